package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
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
