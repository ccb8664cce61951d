package server

import (
	"fmt"
	"math"
	"net"
	"net/http"
	"strconv"

	lru "github.com/hashicorp/golang-lru/v2"
	"golang.org/x/time/rate"

	"github.com/civicgraph/civicgraph/internal/config"
)

// CodeRateLimited is the extensions.code of requests over their client's
// budget (HTTP 429 with Retry-After).
const CodeRateLimited = "RATE_LIMITED"

// rateClients is how many clients' buckets one process keeps; the least
// recently seen beyond it are forgotten (and start again with a full
// bucket), so memory stays bounded whatever the number of clients.
const rateClients = 10000

// limitClients gives each client a token bucket of cfg.RateLimit requests
// per minute with bursts of cfg.RateBurst (off when RateLimit is 0). A
// client is the configured bearer token it sends, else its IP address
// (RemoteAddr: behind a proxy, give clients tokens or limit at the proxy);
// an unknown token does not make a new client, so rotating made-up tokens
// earns nothing. Over the budget a request is answered at once with 429,
// Retry-After (whole seconds until the bucket holds a token again) and
// the code RATE_LIMITED, before it takes an in-flight slot.
//
// The buckets are per process: behind a load balancer with n servers a
// client may get up to n times the budget unless the balancer keeps it on
// one server. Nothing else depends on them, so servers stay stateless.
func limitClients(cfg config.Server, next http.Handler) http.Handler {
	if cfg.RateLimit <= 0 {
		return next
	}
	every := rate.Limit(float64(cfg.RateLimit) / 60)
	burst := max(cfg.RateBurst, 1)
	buckets, _ := lru.New[string, *rate.Limiter](rateClients)
	digests := tokenDigests(cfg.Tokens)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		client := clientKey(digests, r)
		lim, ok := buckets.Get(client)
		if !ok {
			lim = rate.NewLimiter(every, burst)
			buckets.Add(client, lim)
		}
		res := lim.Reserve()
		if wait := res.Delay(); wait > 0 {
			res.Cancel() // the request is refused: it spends nothing
			secs := int(math.Ceil(wait.Seconds()))
			w.Header().Set("Retry-After", strconv.Itoa(max(secs, 1)))
			writeGraphQLError(w, http.StatusTooManyRequests, CodeRateLimited,
				fmt.Sprintf("this client's budget is %d requests per minute (bursts of %d); retry after %d s", cfg.RateLimit, burst, max(secs, 1)))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// clientKey names the request's client for rate limiting: "token:N" for
// the N-th configured token, else "ip:" and the remote address's host.
func clientKey(digests [][32]byte, r *http.Request) string {
	if i := bearerIndex(digests, r); i >= 0 {
		return "token:" + strconv.Itoa(i)
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	return "ip:" + host
}
