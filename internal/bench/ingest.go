package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"
)

// Ingest throughput through the local stack's HTTP port: signed contact-form submissions (a new lead each), as
// the site's form posts them (cli.Sign), from 8 posters at once, each waiting for its answer before the next
// post. The stream consumers (scoring, and the SQL emails it does not reach here: the leads are not SQLs) run
// meanwhile on the same 2 cores, as they would in the stack.
func init() {
	Register(Suite{Name: "ingest", Order: 50, Run: runIngest})
}

const ingestPosters = 8

func runIngest(ctx context.Context, env *Env) ([]Row, error) {
	posts := 2_000
	if env.Quick {
		posts = 200
	}
	s, err := startStack(ctx, env, "ingest")
	if err != nil {
		return nil, err
	}
	defer s.Close()
	hc := &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: ingestPosters}}
	body := func(i int) []byte {
		b, _ := json.Marshal(map[string]any{"E-mail professionnel": fmt.Sprintf("lead%06d@bench-ingest.fr", i), "Prénom": "Lead", "Nom": fmt.Sprintf("Bench%06d", i),
			"Société": fmt.Sprintf("Bench %d", i), "Fonction": "Technicien de maintenance", "Effectif": "40", "Pays": "France",
			"J'accepte d'être recontacté": "oui"})
		return b
	}
	// Warm-up: one execution environment per poster started (cold starts are the bootstrap rows' business).
	warm := ingestPosters * 2
	if err := parallel(ctx, warm, ingestPosters, func(i int) error {
		return expectAccepted(s.post(ctx, hc, "site-contact", fmt.Sprintf("bench_warm_%d", i), time.Now(), body(posts+i)))
	}); err != nil {
		return nil, fmt.Errorf("warm-up: %w", err)
	}
	var mu sync.Mutex
	took := make([]time.Duration, 0, posts)
	began := time.Now()
	err = parallel(ctx, posts, ingestPosters, func(i int) error {
		start := time.Now()
		if err := expectAccepted(s.post(ctx, hc, "site-contact", fmt.Sprintf("bench_%d", i), start, body(i))); err != nil {
			return err
		}
		mu.Lock()
		took = append(took, time.Since(start))
		mu.Unlock()
		return nil
	})
	elapsed := time.Since(began)
	if err != nil {
		return nil, err
	}
	rate := float64(posts) / elapsed.Seconds()
	p50, p95 := Percentile(took, 50), Percentile(took, 95)
	why := "Through the local stack's API port (its gateway, the IngestFunction's real binary (no memory limit: the local stack does not apply MemorySize), " +
		"its DynamoDB requests through the IAM proxy to DynamoDB Local), scoring's stream consumer running alongside; the local stack runs at most 4 execution environments of a function, so 8 posters queue for them; DynamoDB Local " +
		"(~400 writes/s on 2 cores) bounds it, not Lambda: in AWS each request runs in its own execution environment."
	return []Row{
		{Name: fmt.Sprintf("ingest: signed submissions sustained at %d concurrent posters", ingestPosters),
			Figure:  fmt.Sprintf("%.0f requests/s (%s new leads, all 202, in %s)", rate, thousands(posts), secs(elapsed)),
			Verdict: Info, Relative: relative(env, elapsed/time.Duration(posts), " per request"), Why: why},
		{Name: fmt.Sprintf("ingest: latency of a signed submission at %d concurrent posters", ingestPosters),
			Figure:  fmt.Sprintf("p50 %s · p95 %s", secs(p50), secs(p95)),
			Verdict: Info, Relative: relative(env, p95, " (p95)")},
	}, nil
}

func expectAccepted(status int, err error) error {
	if err != nil {
		return err
	}
	if status != http.StatusAccepted && status != http.StatusOK {
		return fmt.Errorf("ingest answered %d", status)
	}
	return nil
}
