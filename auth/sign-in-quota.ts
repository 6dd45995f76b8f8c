import { errors, type KoaContextWithOIDC } from 'oidc-provider';
import { refusalHeaders, type QuotaLimiter, type QuotaName, type QuotaRule } from '../lib/quota/index.ts';
import { withCode } from './request-checks.ts';

type Validator = (ctx: KoaContextWithOIDC, value: string | undefined, client: unknown) => Promise<void>;

/**
 * The SP's `signInsPerSecond` quota (lib/quota/), as an oidc-provider `extraParams`
 * validator on `client_id`: it runs after the broker's own checks of the request, once
 * the client is known, its redirect_uri checked and — at `/par` — the client
 * authenticated, so a stranger cannot spend an SP's quota with forged pushed requests.
 * A pushed request counts at `/par`, not again when its `request_uri` comes to
 * `/authorize`. Over the quota: `temporarily_unavailable` (RFC 6749 §4.1.2.1) with our
 * code — redirected to the SP from `/authorize`, a 429 JSON body with the RateLimit
 * headers and `Retry-After` from `/par`; nothing is stored.
 */
export function signInQuotaCheck(
  limiter: QuotaLimiter,
  rules: (clientId: string) => Record<QuotaName, QuotaRule>,
  /** Told of each refusal (a metric: auth/metrics.ts). */
  onRefusal: (clientId: string) => void = () => {},
): Record<'client_id', Validator> {
  return {
    async client_id(ctx, _value, client) {
      if (ctx.oidc.route === 'authorization' && ctx.oidc.entities.PushedAuthorizationRequest) return;
      const clientId = (client as { clientId: string }).clientId;
      const decision = await limiter.consume({ clientId, rule: rules(clientId).signInsPerSecond });
      if (decision.allowed) return;
      onRefusal(clientId);
      ctx.set(refusalHeaders(decision.state));
      const error = withCode(
        new errors.TemporarilyUnavailable('too many sign-in requests for this service; retry later'),
        'SIGN_IN_RATE_LIMIT_EXCEEDED',
      );
      error.status = error.statusCode = 429;
      throw error;
    },
  };
}
