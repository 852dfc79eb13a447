package ingest

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Shape is what an event document looks like: one of the sources ingest
// takes, or, when it is none of them, what it is in words. The Lambda
// recognises its invocation with it and `ingest --input-format` checks each
// document with it, so both refuse the same documents.
type Shape struct {
	// Source is SourceSQS, SourceKafka or SourceHTTP, or "" for a document
	// none of them takes.
	Source string
	// Like says what the document looks like: "an SQS event", "a Kinesis
	// event", "an API Gateway v1 (REST) request", "a JSON object with keys
	// a, b".
	Like string
	// Foreign is set when the document is an event of another source AWS
	// delivers (Kinesis, S3, SNS, DynamoDB, API Gateway v1, EventBridge):
	// not a malformed event of ours but the wrong trigger or input.
	Foreign bool
}

const apiGatewayV1 = "an API Gateway v1 (REST API) request (only payload version 2.0 is taken: an HTTP API or a function URL)"

// recordSources names the event sources of a {"Records": […]} event.
var recordSources = map[string]string{
	"aws:sqs":      "an SQS event",
	"aws:kinesis":  "a Kinesis event",
	"aws:s3":       "an S3 event notification",
	"aws:sns":      "an SNS event",
	"aws:dynamodb": "a DynamoDB Streams event",
}

// DetectShape recognises an event by its shape: an SQS event has "Records"
// whose eventSource is aws:sqs, every one of them; a Kafka event an
// eventSource of aws:kafka or SelfManagedKafka; an API Gateway v2 or
// function URL request a requestContext with an http method. Kinesis, S3,
// SNS and DynamoDB events (Records of another eventSource), API Gateway v1
// requests and EventBridge events are named as such.
func DetectShape(raw []byte) Shape {
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(raw, &probe); err != nil || probe == nil {
		return Shape{Like: "not a JSON object"}
	}
	if probe["Records"] != nil {
		var recs []struct {
			EventSource string `json:"eventSource"`
			// SNS spells it with a capital E.
			EventSourceSNS string `json:"EventSource"`
		}
		if err := json.Unmarshal(probe["Records"], &recs); err != nil {
			return Shape{Like: "an object whose Records is not a list of records"}
		}
		for _, r := range recs {
			src := r.EventSource
			if src == "" {
				src = r.EventSourceSNS
			}
			if src == "aws:sqs" {
				continue
			}
			if like, ok := recordSources[src]; ok {
				return Shape{Like: like, Foreign: true}
			}
			if src == "" {
				return Shape{Like: "records without an eventSource"}
			}
			return Shape{Like: fmt.Sprintf("records from event source %q", src), Foreign: true}
		}
		return Shape{Source: SourceSQS, Like: "an SQS event"}
	}
	var source string
	_ = json.Unmarshal(probe["eventSource"], &source)
	if source == "aws:kafka" || source == "SelfManagedKafka" {
		return Shape{Source: SourceKafka, Like: "a Kafka event"}
	}
	var rc struct {
		HTTP *struct {
			Method string `json:"method"`
		} `json:"http"`
		HTTPMethod string `json:"httpMethod"`
	}
	if probe["requestContext"] != nil && json.Unmarshal(probe["requestContext"], &rc) == nil {
		if rc.HTTP != nil && rc.HTTP.Method != "" {
			return Shape{Source: SourceHTTP, Like: "an API Gateway v2 request"}
		}
		if rc.HTTPMethod != "" {
			return Shape{Like: apiGatewayV1, Foreign: true}
		}
	}
	if probe["httpMethod"] != nil {
		return Shape{Like: apiGatewayV1, Foreign: true}
	}
	if probe["detail-type"] != nil && probe["source"] != nil {
		return Shape{Like: "an EventBridge event", Foreign: true}
	}
	keys := slices.Sorted(maps.Keys(probe))
	if len(keys) > 6 {
		keys = append(keys[:6], "…")
	}
	if len(keys) == 0 {
		return Shape{Like: "an empty JSON object"}
	}
	return Shape{Like: "a JSON object with keys " + strings.Join(keys, ", ")}
}

// sourceNames are the formats as messages name them.
var sourceNames = map[string]string{
	SourceSQS:   "an SQS event",
	SourceKafka: "a Kafka event",
	SourceHTTP:  "an API Gateway v2 request",
}

// checkShape refuses a document that is an event of another source than
// format: a Foreign one, or one of our other formats.
func checkShape(format string, raw []byte) error {
	sh := DetectShape(raw)
	if sh.Source != format && (sh.Source != "" || sh.Foreign) {
		return &WrongSourceError{Format: format, Shape: sh}
	}
	return nil
}

// WrongSourceError is a document that is an event of another kind than the
// format asked for (a Kinesis event given as SQS): the input, or the
// format, is wrong as a whole, so reading stops.
type WrongSourceError struct {
	Format string
	Shape  Shape
}

func (e *WrongSourceError) Error() string {
	return fmt.Sprintf("this is %s, not %s", e.Shape.Like, sourceNames[e.Format])
}
