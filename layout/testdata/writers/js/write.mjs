// Writes the JavaScript writers' files of the corpus from ../fixture.json,
// each with its writer's natural encodings (no options beyond a schema):
//
//   parquetjs/   @dsnp/parquetjs: TIMESTAMP_MILLIS/MICROS converted types,
//                column and offset indexes interleaved after the data.
//   hyparquet/   hyparquet-writer: types guessed from the data (numbers as
//                INT32 or DOUBLE... here given as the basic types the
//                library names), timestamps in milliseconds, an all-null
//                column typed INT32.
//
// Run: npm ci && node write.mjs   (from this folder; go test never needs it)
import { readFileSync, mkdirSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import parquetjs from '@dsnp/parquetjs'
import { parquetWriteFile } from 'hyparquet-writer'

const here = dirname(fileURLToPath(import.meta.url))
const fixture = JSON.parse(readFileSync(join(here, '..', 'fixture.json'), 'utf8'))
const day = 'dt=2026-03-02'

const utc = (s) => new Date(s)
// booking_date is wall time: stored as the same clock reading in UTC.
const wall = (s) => new Date(s + 'Z')

async function parquetjsFiles(dir) {
  const { ParquetSchema, ParquetWriter } = parquetjs
  const schema = new ParquetSchema({
    event_id: { type: 'UTF8' },
    event_type: { type: 'UTF8' },
    occurred_at: { type: 'TIMESTAMP_MICROS' },
    ingested_at: { type: 'TIMESTAMP_MICROS' },
    booking_id: { type: 'INT64' },
    booking_date: { type: 'TIMESTAMP_MILLIS' },
    status: { type: 'INT32' },
    user_id: { type: 'INT64', optional: true },
    salon_id: { type: 'INT64' },
    employee_id: { type: 'INT64', optional: true },
    payment_id: { type: 'INT64', optional: true },
    service: { type: 'UTF8', optional: true },
    amount_cents: { type: 'INT64', optional: true },
  })
  mkdirSync(join(dir, 'bookings', day), { recursive: true })
  const w = await ParquetWriter.openFile(schema, join(dir, 'bookings', day, 'batch-parquetjs.parquet'))
  for (const e of fixture.events) {
    const row = { ...e, occurred_at: utc(e.occurred_at), ingested_at: utc(e.ingested_at), booking_date: wall(e.booking_date) }
    for (const k of Object.keys(row)) if (row[k] === null) delete row[k]
    await w.appendRow(row)
  }
  await w.close()

  // The seed's 7 columns, as a JavaScript port of its Lambda would write them.
  const legacy = new ParquetSchema({
    booking_id: { type: 'INT32', optional: true },
    booking_date: { type: 'TIMESTAMP_MILLIS', optional: true },
    status: { type: 'INT32', optional: true },
    user_id: { type: 'INT32', optional: true },
    salon_id: { type: 'INT32', optional: true },
    employee_id: { type: 'INT32', optional: true },
    payment_id: { type: 'INT32', optional: true },
  })
  for (const l of fixture.legacy) {
    const w = await ParquetWriter.openFile(legacy, join(dir, l.file))
    const row = { ...l, booking_date: wall(l.booking_date) }
    delete row.file
    for (const k of Object.keys(row)) if (row[k] === null) delete row[k]
    await w.appendRow(row)
    await w.close()
  }
}

function hyparquetFiles(dir) {
  mkdirSync(join(dir, 'bookings', day), { recursive: true })
  const col = (name, rows, f, type) => ({ name, data: rows.map(f), type })
  const ev = fixture.events
  parquetWriteFile({
    filename: join(dir, 'bookings', day, 'batch-hyparquet.parquet'),
    columnData: [
      col('event_id', ev, (e) => e.event_id, 'STRING'),
      col('event_type', ev, (e) => e.event_type, 'STRING'),
      col('occurred_at', ev, (e) => utc(e.occurred_at), 'TIMESTAMP'),
      col('ingested_at', ev, (e) => utc(e.ingested_at), 'TIMESTAMP'),
      col('booking_id', ev, (e) => BigInt(e.booking_id), 'INT64'),
      col('booking_date', ev, (e) => wall(e.booking_date), 'TIMESTAMP'),
      col('status', ev, (e) => e.status, 'INT32'),
      col('user_id', ev, (e) => e.user_id === null ? null : BigInt(e.user_id), 'INT64'),
      col('salon_id', ev, (e) => BigInt(e.salon_id), 'INT64'),
      col('employee_id', ev, (e) => e.employee_id === null ? null : BigInt(e.employee_id), 'INT64'),
      // Never set in this batch: the library's guess for an all-null column.
      col('payment_id', ev, () => null, undefined),
      col('service', ev, (e) => e.service, 'STRING'),
      col('amount_cents', ev, (e) => e.amount_cents === null ? null : BigInt(e.amount_cents), 'INT64'),
    ],
  })
  for (const l of fixture.legacy) {
    parquetWriteFile({
      filename: join(dir, l.file),
      columnData: [
        { name: 'booking_id', data: [l.booking_id], type: 'INT32' },
        { name: 'booking_date', data: [wall(l.booking_date)], type: 'TIMESTAMP' },
        { name: 'status', data: [l.status], type: 'INT32' },
        { name: 'user_id', data: [l.user_id], type: 'INT32' },
        { name: 'salon_id', data: [l.salon_id], type: 'INT32' },
        { name: 'employee_id', data: [l.employee_id], type: 'INT32' },
        { name: 'payment_id', data: [l.payment_id], type: 'INT32' },
      ],
    })
  }
}

for (const w of ['parquetjs', 'hyparquet']) rmSync(join(here, '..', w), { recursive: true, force: true })
await parquetjsFiles(join(here, '..', 'parquetjs'))
hyparquetFiles(join(here, '..', 'hyparquet'))
