package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/instudio/instudio-report/cmd/internal/awshint"
	"github.com/instudio/instudio-report/ingest"
)

// handler is the Lambda function: one invocation is one batch of an SQS,
// Kafka or HTTP event, recognised by its shape.
type handler struct {
	pipeline     *ingest.Pipeline
	log          *slog.Logger
	metrics      io.Writer // stdout: one EMF line per invocation
	namespace    string
	functionName string
	now          func() time.Time
}

// errUnknownEvent is an invocation that is none of the events the function
// takes; it fails the invocation, so a misconfigured trigger is noticed.
var errUnknownEvent = errors.New("unrecognised event: expected an SQS event, an MSK or self-managed Kafka event, or an API Gateway v2 / function URL request")

// invoke recognises the event by its shape (ingest.DetectShape, which
// `instudio-report ingest` checks its input with too): an SQS event, an MSK
// or self-managed Kafka event, or an API Gateway v2 / function URL request.
// Anything else, a Kinesis or S3 event say, fails the invocation.
func (h *handler) invoke(ctx context.Context, raw json.RawMessage) (any, error) {
	shape := ingest.DetectShape(raw)
	switch shape.Source {
	case ingest.SourceSQS:
		var ev events.SQSEvent
		if err := json.Unmarshal(raw, &ev); err != nil {
			return nil, fmt.Errorf("decode SQS event: %w", err)
		}
		return h.sqs(ctx, ev), nil
	case ingest.SourceKafka:
		var ev events.KafkaEvent
		if err := json.Unmarshal(raw, &ev); err != nil {
			return nil, fmt.Errorf("decode Kafka event: %w", err)
		}
		return nil, h.kafka(ctx, ev)
	case ingest.SourceHTTP:
		var req events.APIGatewayV2HTTPRequest
		if err := json.Unmarshal(raw, &req); err != nil {
			return nil, fmt.Errorf("decode HTTP request: %w", err)
		}
		return h.http(ctx, req), nil
	}
	h.log.Error("unrecognised event", "looks_like", shape.Like)
	return nil, errUnknownEvent
}

// sqs stores the batch and names the messages not stored in
// batchItemFailures, so SQS redelivers exactly those (the event source
// mapping needs ReportBatchItemFailures). Rejected messages are kept and
// not named: redelivering them would only reject them again.
func (h *handler) sqs(ctx context.Context, ev events.SQSEvent) events.SQSEventResponse {
	res := h.run(ctx, ingest.SourceSQS, ingest.SQSRecords(ev))
	resp := events.SQSEventResponse{BatchItemFailures: []events.SQSBatchItemFailure{}}
	for _, id := range res.FailedPositions() {
		resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: id})
	}
	return resp
}

// kafka stores the batch; if any record is not stored it fails the whole
// invocation, so Lambda retries the batch. The files already written keep
// their names on the retry, so nothing is written twice.
func (h *handler) kafka(ctx context.Context, ev events.KafkaEvent) error {
	res := h.run(ctx, ingest.SourceKafka, ingest.KafkaRecords(ev))
	if res.Failed > 0 {
		return fmt.Errorf("%d of %d Kafka records not stored; failing the batch so that it is retried", res.Failed, res.Received)
	}
	return nil
}

// httpReply is the JSON body of an HTTP response.
type httpReply struct {
	Received int           `json:"received"`
	Written  int           `json:"written"`
	Rejected int           `json:"rejected"`
	Failed   int           `json:"failed"`
	Errors   []recordError `json:"errors,omitempty"`
	Error    string        `json:"error,omitempty"`
}

type recordError struct {
	Position string `json:"position"`
	Reason   string `json:"reason"`
}

// http stores the events of one POST: 202 when all are stored, 400 with
// each rejected record's reason, 503 when some could not be stored (the
// client should retry; the default event ids make that safe).
func (h *handler) http(ctx context.Context, req events.APIGatewayV2HTTPRequest) events.APIGatewayV2HTTPResponse {
	if ingest.CheckHTTPMethod(req) != nil {
		return jsonResponse(http.StatusMethodNotAllowed, httpReply{Error: ingest.UsePOST},
			map[string]string{"Allow": http.MethodPost})
	}
	res := h.run(ctx, ingest.SourceHTTP, ingest.HTTPRecords(req))
	reply := httpReply{Received: res.Received, Written: res.Written, Rejected: res.Rejected, Failed: res.Failed}
	for _, o := range res.Outcomes {
		if o.Status != ingest.Stored {
			reply.Errors = append(reply.Errors, recordError{Position: o.Position, Reason: o.ClientReason()})
		}
	}
	switch {
	case res.Failed > 0:
		reply.Error = "some events could not be stored; retry the request"
		return jsonResponse(http.StatusServiceUnavailable, reply, map[string]string{"Retry-After": "1"})
	case res.Rejected > 0:
		return jsonResponse(http.StatusBadRequest, reply, nil)
	}
	return jsonResponse(http.StatusAccepted, reply, nil)
}

func jsonResponse(status int, reply httpReply, headers map[string]string) events.APIGatewayV2HTTPResponse {
	body, _ := json.Marshal(reply)
	h := map[string]string{"Content-Type": "application/json"}
	for k, v := range headers {
		h[k] = v
	}
	return events.APIGatewayV2HTTPResponse{StatusCode: status, Headers: h, Body: string(body)}
}

// run ingests one batch, logs what became of it and writes its metrics.
func (h *handler) run(ctx context.Context, source string, records []ingest.Record) ingest.Result {
	start := h.now()
	// Stop writing a little before Lambda's deadline, so that the function
	// still answers with what it stored instead of being cut off: the
	// writes not finished are reported as failed and come back.
	if deadline, ok := ctx.Deadline(); ok {
		margin := max(0, min(2*time.Second, deadline.Sub(start)/10))
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, deadline.Add(-margin))
		defer cancel()
	}
	res, err := h.pipeline.Ingest(ctx, source, records)
	for _, o := range res.Rejections() {
		h.log.Warn("record rejected", "source", source, "position", o.Position, "reason", o.Reason, "key", o.Key)
	}
	if err != nil {
		h.log.Error("records not stored", "source", source, "failed", strings.Join(res.FailedPositions(), ","), "error", awshint.Explain(err).Error())
	}
	h.log.Info("batch ingested", "source", source, "received", res.Received, "written", res.Written,
		"rejected", res.Rejected, "failed", res.Failed, "duplicates", res.Duplicates, "files_written", res.FilesWritten,
		"files_existing", res.FilesExisting, "bytes_written", res.BytesWritten)
	inv := ingest.Invocation{
		Namespace: h.namespace, FunctionName: h.functionName, Source: source,
		Result: res, Start: start, Duration: h.now().Sub(start),
	}
	if err := ingest.WriteEMF(h.metrics, inv); err != nil {
		h.log.Error("metrics not written", "error", err)
	}
	return res
}
