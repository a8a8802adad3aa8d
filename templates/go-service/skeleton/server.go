package main

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
)

// newHandler builds the service's routes with a request counter and a latency histogram per
// route, registered on the given registry (a fresh one per test).
func newHandler(registry *prometheus.Registry) http.Handler {
	requests := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "http_requests_total",
		Help: "HTTP requests by route and status code",
	}, []string{"route", "code"})
	duration := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "http_request_duration_seconds",
		Help:    "HTTP request duration by route",
		Buckets: prometheus.DefBuckets,
	}, []string{"route"})
	registry.MustRegister(requests, duration,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))

	mux := http.NewServeMux()
	route := func(pattern, name string, handler http.HandlerFunc) {
		mux.Handle(pattern, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			recorder := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
			handler(recorder, r)
			duration.WithLabelValues(name).Observe(time.Since(start).Seconds())
			requests.WithLabelValues(name, strconv.Itoa(recorder.status)).Inc()
		}))
	}

	// Liveness and readiness probes (Helm chart) call this; keep it free of dependencies.
	route("GET /healthz", "/healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(registry, promhttp.HandlerOpts{}))
	route("GET /{$}", "/", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"service": "${{ values.name }}", "message": "hello"})
	})

	// Spans for every request except probes and scrapes, named by route (spanName).
	return otelhttp.NewHandler(mux, "http",
		otelhttp.WithSpanNameFormatter(spanName),
		otelhttp.WithFilter(func(r *http.Request) bool {
			return r.URL.Path != "/healthz" && r.URL.Path != "/metrics"
		}))
}

// spanName names a server span as the HTTP semantic conventions ask: "{method} {route}", or the
// method alone for a request no route matched. Without it otelhttp (up to v0.68) names every span
// after NewHandler's operation argument ("http"). otelhttp starts the span before ServeMux has
// matched (r.Pattern is still empty) and calls this again once the handler returned, when
// ServeMux has set r.Pattern (otelhttp's handler.go, "handle request Pattern", contrib PR 7192).
func spanName(_ string, r *http.Request) string {
	if r.Pattern == "" {
		return r.Method
	}
	// A pattern is "[METHOD ][HOST]/PATH"; the route is its path.
	route := r.Pattern[strings.Index(r.Pattern, "/"):]
	return r.Method + " " + route
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(status int) {
	r.status = status
	r.ResponseWriter.WriteHeader(status)
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}
