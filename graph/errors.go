package graph

import (
	"context"
	"errors"
	"log/slog"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"golang.org/x/time/rate"

	"github.com/civicgraph/civicgraph/internal/domain"
)

// errorLogKey carries a request's error-log state.
type errorLogKey struct{}

// requestErrors counts the faults of one request: only the first is
// logged, the rest are counted in that request's later lines (one alias
// bomb must not write hundreds of ERROR lines).
type requestErrors struct {
	logged atomic.Bool
	more   atomic.Int64
}

// WithErrorLog returns a context whose request logs at most one server
// fault (INTERNAL or UNAVAILABLE); the server calls it once per request.
func WithErrorLog(ctx context.Context) context.Context {
	return context.WithValue(ctx, errorLogKey{}, &requestErrors{})
}

// ErrorPresenter maps errors to GraphQL errors with extensions.code.
// Domain errors show their message; anything else is logged with its
// path and replaced by a generic INTERNAL error, so internal details
// (Cypher, addresses, stack traces) never reach a client. Server faults
// are logged once per request and at most 5 lines a second (bursts of
// 20) across requests; lines left out are counted in the next one.
func ErrorPresenter(log *slog.Logger) graphql.ErrorPresenterFunc {
	limiter := rate.NewLimiter(5, 20)
	var dropped atomic.Int64
	return func(ctx context.Context, err error) *gqlerror.Error {
		var gqlErr *gqlerror.Error
		if errors.As(err, &gqlErr) && gqlErr.Err == nil {
			// Parser, validation and limit errors from gqlgen itself.
			if gqlErr.Rule == scalarValuesRule || isVariableError(gqlErr) {
				// Wrong values, not wrong documents (as Apollo codes them).
				gqlErr.Extensions = map[string]any{"code": domain.EINVALID}
			}
			if gqlErr.Extensions == nil || gqlErr.Extensions["code"] == nil {
				if gqlErr.Extensions == nil {
					gqlErr.Extensions = map[string]any{}
				}
				gqlErr.Extensions["code"] = "BAD_REQUEST"
			}
			return gqlErr
		}
		out := graphql.DefaultErrorPresenter(ctx, err)
		cause := err
		if gqlErr != nil && gqlErr.Err != nil {
			cause = gqlErr.Err
		}
		code := domain.ErrorCode(cause)
		if errors.Is(cause, context.DeadlineExceeded) {
			code = domain.EUNAVAILABLE
			out.Message = "request timed out"
		} else if errors.Is(cause, context.Canceled) {
			code = domain.EUNAVAILABLE
			out.Message = "request cancelled"
		} else {
			out.Message = domain.ErrorMessage(cause)
		}
		if code == domain.EINTERNAL || code == domain.EUNAVAILABLE || code == domain.ECOMMITUNKNOWN {
			logFault(ctx, log, limiter, &dropped, code, out.Path.String(), cause)
		}
		if out.Extensions == nil {
			out.Extensions = map[string]any{}
		}
		out.Extensions["code"] = code
		if key := domain.ErrorKey(cause); key != "" {
			out.Extensions["key"] = key
		}
		return out
	}
}

func logFault(ctx context.Context, log *slog.Logger, limiter *rate.Limiter, dropped *atomic.Int64, code, path string, cause error) {
	if re, ok := ctx.Value(errorLogKey{}).(*requestErrors); ok && re.logged.Swap(true) {
		re.more.Add(1)
		return
	}
	if !limiter.Allow() {
		dropped.Add(1)
		return
	}
	level := slog.LevelError
	if code != domain.EINTERNAL {
		level = slog.LevelWarn // the database, not this server
	}
	log.Log(ctx, level, "graphql resolver error", "code", code, "path", path, "err", cause.Error(),
		"log_lines_dropped", dropped.Swap(0))
}

// isVariableError reports errors of variable coercion (path
// ["variable", name, …]).
func isVariableError(e *gqlerror.Error) bool {
	if len(e.Path) == 0 {
		return false
	}
	k, ok := e.Path[0].(ast.PathName)
	return ok && k == "variable"
}

// Recover turns a resolver panic into an INTERNAL error and logs it.
func Recover(log *slog.Logger) graphql.RecoverFunc {
	return func(ctx context.Context, p any) error {
		log.ErrorContext(ctx, "graphql resolver panic", "panic", p)
		return errors.New("internal panic")
	}
}
