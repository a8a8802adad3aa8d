{% if values.publishingTarget == 'gitlab' -%}
module ${{ values.repoUrl | replace('https://', '') | replace('http://', '') }}
{% else -%}
module github.com/${{ values.repoSlug }}
{% endif %}
go 1.24

require (
	github.com/prometheus/client_golang v1.22.0
	go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp v0.61.0
	go.opentelemetry.io/otel v1.36.0
	go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp v1.36.0
	go.opentelemetry.io/otel/sdk v1.36.0
	go.opentelemetry.io/otel/trace v1.36.0
)
