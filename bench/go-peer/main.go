// Command capi-webhook-peer serves Cluster API's own Cluster defaulting and validating webhooks
// (sigs.k8s.io/cluster-api/core/webhooks/admission) through a controller-runtime manager, as CAPI's
// core manager registers them, but without an API server: the webhook reads through a fake client.
// It exists only as the peer of capkit's admission benchmark (bench/webhook).
package main

import (
	"context"
	"crypto/tls"
	"flag"
	"fmt"
	"math"
	"net/http"
	"os"
	"os/signal"
	"syscall"

	dto "github.com/prometheus/client_model/go"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	"sigs.k8s.io/controller-runtime/pkg/metrics"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
	"sigs.k8s.io/controller-runtime/pkg/webhook"

	clusterv1beta1 "sigs.k8s.io/cluster-api/api/core/v1beta1"
	clusterv1 "sigs.k8s.io/cluster-api/api/core/v1beta2"
	coreadmission "sigs.k8s.io/cluster-api/core/webhooks/admission"
)

const latencyMetric = "controller_runtime_webhook_latency_seconds"

func main() {
	port := flag.Int("webhook-port", 9443, "HTTPS port of the webhook server (127.0.0.1)")
	certDir := flag.String("cert-dir", "", "directory holding tls.crt and tls.key")
	metricsAddr := flag.String("metrics-bind-address", "127.0.0.1:8080", "plain-HTTP metrics address")
	flag.Parse()
	log.SetLogger(zap.New(zap.UseDevMode(false)))
	if err := run(*port, *certDir, *metricsAddr); err != nil {
		fmt.Fprintln(os.Stderr, "capi-webhook-peer:", err)
		os.Exit(1)
	}
}

func run(port int, certDir, metricsAddr string) error {
	scheme := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{clientgoscheme.AddToScheme, clusterv1beta1.AddToScheme, clusterv1.AddToScheme} {
		if err := add(scheme); err != nil {
			return err
		}
	}
	// Nothing dials this address: the manager's mapper is lazy and no controller or cache is started.
	restConfig := &rest.Config{Host: "https://127.0.0.1:1"}
	mgr, err := ctrl.NewManager(restConfig, ctrl.Options{
		Scheme: scheme,
		Metrics: metricsserver.Options{
			BindAddress:   metricsAddr,
			ExtraHandlers: map[string]http.Handler{"/latency-buckets": http.HandlerFunc(latencyBuckets)},
		},
		HealthProbeBindAddress: "0",
		WebhookServer: webhook.NewServer(webhook.Options{
			Host:    "127.0.0.1",
			Port:    port,
			CertDir: certDir,
			// CAPI's default --tls-min-version.
			TLSOpts: []func(*tls.Config){func(c *tls.Config) { c.MinVersion = tls.VersionTLS12 }},
		}),
	})
	if err != nil {
		return fmt.Errorf("manager: %w", err)
	}
	reader := fake.NewClientBuilder().WithScheme(scheme).Build()
	if err := (&coreadmission.Cluster{Client: reader}).SetupWebhookWithManager(mgr); err != nil {
		return fmt.Errorf("cluster webhook: %w", err)
	}
	ctx, cancel := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer cancel()
	return mgr.Start(ctx)
}

// latencyBuckets writes controller-runtime's webhook latency histogram as cumulative "path le count" lines,
// from its native (sparse, ~9% wide) buckets: the classic buckets are a factor of 10 apart, too coarse for a p99.
func latencyBuckets(w http.ResponseWriter, _ *http.Request) {
	families, err := metrics.Registry.Gather()
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	var lines []string
	for _, f := range families {
		if f.GetName() != latencyMetric {
			continue
		}
		for _, m := range f.GetMetric() {
			path := ""
			for _, l := range m.GetLabel() {
				if l.GetName() == "webhook" {
					path = l.GetValue()
				}
			}
			// Gather sorts metrics by label, so the output order is stable.
			lines = append(lines, nativeLines(path, m.GetHistogram())...)
		}
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintln(w, "# webhook-path upper-bound-seconds cumulative-count (native histogram of "+latencyMetric+")")
	for _, l := range lines {
		fmt.Fprintln(w, l)
	}
}

func nativeLines(path string, h *dto.Histogram) []string {
	out := []string{}
	cumulative := h.GetZeroCount()
	out = append(out, fmt.Sprintf("%s %g %d", path, h.GetZeroThreshold(), cumulative))
	base := math.Pow(2, math.Pow(2, float64(-h.GetSchema())))
	index := int32(0)
	count := int64(0)
	delta := h.GetPositiveDelta()
	d := 0
	for i, span := range h.GetPositiveSpan() {
		if i == 0 {
			index = span.GetOffset()
		} else {
			index += span.GetOffset()
		}
		for j := uint32(0); j < span.GetLength(); j++ {
			count += delta[d]
			d++
			cumulative += uint64(count)
			// Bucket i holds (base^(i-1), base^i].
			out = append(out, fmt.Sprintf("%s %g %d", path, math.Pow(base, float64(index)), cumulative))
			index++
		}
	}
	out = append(out, fmt.Sprintf("%s +Inf %d", path, h.GetSampleCount()))
	return out
}
