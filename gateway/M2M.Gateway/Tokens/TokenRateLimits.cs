using System.Globalization;
using System.Threading.RateLimiting;
using M2M.Gateway.Audit;
using M2M.Gateway.Metrics;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;

namespace M2M.Gateway.Tokens;

/// <summary>
/// Rate limits of the token endpoint (docs/protocol.md section 9.1), fixed windows from
/// System.Threading.RateLimiting: per remote address as ASP.NET Core rate-limiting middleware (before
/// the body is read), and per client id once the request is parsed. Both answer 429
/// <c>temporarily_unavailable</c> with <c>Retry-After</c>.
/// </summary>
public sealed class TokenRateLimits : IDisposable
{
    /// <summary>The ASP.NET Core rate-limiting policy of the token endpoint.</summary>
    public const string AddressPolicy = "m2m-token-address";

    private readonly PartitionedRateLimiter<string> _clients;

    public TokenRateLimits(IOptions<TokenOptions> options)
    {
        var o = options.Value;
        _clients = PartitionedRateLimiter.Create<string, string>(client => RateLimitPartition.GetFixedWindowLimiter(client, _ => Window(o.RequestsPerClient, o.RateLimitWindow)));
    }

    /// <summary>
    /// Takes one request from the client's quota: the <c>client_id</c> sent, or else the unverified
    /// <c>sub</c> of the assertion (read by Microsoft.IdentityModel, nothing trusted). Returns null when
    /// allowed, or how long to wait.
    /// </summary>
    public TimeSpan? LimitClient(TokenRequest request)
    {
        using var lease = _clients.AttemptAcquire(request.ClientId ?? PeekSubject(request.Assertion));
        return lease.IsAcquired ? null : RetryAfter(lease);
    }

    public void Dispose() => _clients.Dispose();

    /// <summary>Registers the per-address policy, whose refusals are answered, counted and audited like every other.</summary>
    public static void AddAddressPolicy(RateLimiterOptions limiter, TokenOptions options)
    {
        limiter.AddPolicy(AddressPolicy, context => RateLimitPartition.GetFixedWindowLimiter(
            context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
            _ => Window(options.RequestsPerAddress, options.RateLimitWindow)));
        limiter.OnRejected = (rejected, cancellationToken) =>
        {
            var services = rejected.HttpContext.RequestServices;
            var retryAfter = RetryAfter(rejected.Lease);
            return new ValueTask(TokenEndpoint.RefuseAsync(rejected.HttpContext, TokenReason.RateLimited, null, retryAfter,
                services.GetRequiredService<GatewayMetrics>(), services.GetRequiredService<IAuditLog>()));
        };
    }

    private static FixedWindowRateLimiterOptions Window(int permits, TimeSpan window) =>
        new() { PermitLimit = permits, Window = window, QueueLimit = 0, AutoReplenishment = true };

    private static TimeSpan RetryAfter(RateLimitLease lease) =>
        lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);

    private static string PeekSubject(string assertion)
    {
        try
        {
            return new JsonWebToken(assertion).Subject ?? string.Empty;
        }
        catch (ArgumentException)
        {
            // Unreadable: every such request shares one quota (the address limit still applies).
            return string.Empty;
        }
    }

    /// <summary>Retry-After in whole seconds, at least 1 (RFC 9110 section 10.2.3).</summary>
    public static string Seconds(TimeSpan retryAfter) => Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
}
