package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"go.opentelemetry.io/otel"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

func TestHealthz(t *testing.T) {
	server := httptest.NewServer(newHandler(prometheus.NewRegistry()))
	defer server.Close()

	response, err := http.Get(server.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(response.Body)
	if response.StatusCode != http.StatusOK || !strings.Contains(string(body), `"ok"`) {
		t.Fatalf("GET /healthz = %d %s", response.StatusCode, body)
	}
}

func TestMetricsCountRequests(t *testing.T) {
	server := httptest.NewServer(newHandler(prometheus.NewRegistry()))
	defer server.Close()

	if _, err := http.Get(server.URL + "/"); err != nil {
		t.Fatal(err)
	}
	response, err := http.Get(server.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(response.Body)
	if !strings.Contains(string(body), `http_requests_total{code="200",route="/"} 1`) {
		t.Fatalf("request not counted:\n%s", body)
	}
}

func TestUnknownPathIs404(t *testing.T) {
	server := httptest.NewServer(newHandler(prometheus.NewRegistry()))
	defer server.Close()

	response, err := http.Get(server.URL + "/nope")
	if err != nil {
		t.Fatal(err)
	}
	if response.StatusCode != http.StatusNotFound {
		t.Fatalf("GET /nope = %d, want 404", response.StatusCode)
	}
}

func TestSpansAreNamedByRoute(t *testing.T) {
	recorder := tracetest.NewSpanRecorder()
	previous := otel.GetTracerProvider()
	otel.SetTracerProvider(sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(recorder)))
	defer otel.SetTracerProvider(previous)
	server := httptest.NewServer(newHandler(prometheus.NewRegistry()))

	for _, path := range []string{"/", "/healthz"} {
		if _, err := http.Get(server.URL + path); err != nil {
			t.Fatal(err)
		}
	}
	// Close waits for the requests in flight, so their spans have ended.
	server.Close()
	// One span: probes are filtered out.
	spans := recorder.Ended()
	if len(spans) != 1 || spans[0].Name() != "GET /{$}" {
		names := []string{}
		for _, span := range spans {
			names = append(names, span.Name())
		}
		t.Fatalf("server spans = %v, want [GET /{$}]", names)
	}
}
