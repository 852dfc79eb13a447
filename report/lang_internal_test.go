package report

import (
	"strings"
	"testing"
	"time"
)

func TestEveryLanguageHasEveryLabel(t *testing.T) {
	for lang, words := range labels {
		for other, otherWords := range labels {
			for key := range otherWords {
				if _, ok := words[key]; !ok {
					t.Errorf("%s lacks the label %q that %s has", lang, key, other)
				}
			}
		}
		for key, w := range words {
			if strings.Count(w, "%") != strings.Count(labels["en"][key], "%") {
				t.Errorf("%s label %q has other verbs than en's: %q", lang, key, w)
			}
		}
	}
}

func TestFormatterCountsMoneyAndRates(t *testing.T) {
	es, err := newFormatter(Options{Lang: "es"})
	if err != nil {
		t.Fatal(err)
	}
	usd, _ := newFormatter(Options{Currency: "USD"})
	jpy, _ := newFormatter(Options{Currency: "JPY"})
	cents := func(n int64) *int64 { return &n }
	frac := func(f float64) *float64 { return &f }
	for _, tc := range []struct{ got, want string }{
		{es.Count(0), "0"},
		{es.Count(999), "999"},
		{es.Count(1234567), "1,234,567"},
		{es.Count(-1234), "-1,234"},
		{es.Money(cents(123450)), "S/\u00a01,234.50"},
		{es.Money(cents(5)), "S/\u00a00.05"},
		{es.Money(nil), "–"},
		{es.MoneyF(frac(4115.5)), "S/\u00a041.16"}, // half a cent rounds away from zero
		{usd.Money(cents(100)), "US$\u00a01.00"},
		{jpy.Money(cents(100)), "JPY\u00a01.00"},
		{es.Percent(frac(2.0 / 3)), "66.7%"},
		{es.Percent(nil), "–"},
		{es.Date(time.Date(2026, 9, 6, 0, 0, 0, 0, time.UTC)), "dom 6 sept 2026"},
		{usd.Date(time.Date(2026, 9, 6, 0, 0, 0, 0, time.UTC)), "Sun 6 Sep 2026"},
		{es.Days(frac(2.25)), "2.2 días"},
		{es.CountChange(8, 10), "-20.0%"},
		{es.CountChange(8, 0), "–"},
		{es.PointChange(frac(0.25), frac(0.25)), "0.0 pp"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}
