using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace M2M.Gateway.Ingress.Broker;

/// <summary>
/// What one client can hold before it has authenticated (issue: unauthenticated resource use):
/// at most <see cref="MqttIngressOptions.MaxUnauthenticatedConnections"/> such connections at once
/// (more are closed as they are accepted, before any TLS handshake), and optionally at most
/// <see cref="MqttIngressOptions.ConnectsPerSecondPerAddress"/> CONNECTs per source address
/// (CONNACK 0x9F, MQTT 5 section 3.2.2.2), a token bucket per address from System.Threading.RateLimiting.
/// </summary>
public sealed class ConnectionLimits : IDisposable
{
    private readonly int _maxUnauthenticated;
    private readonly PartitionedRateLimiter<IPAddress>? _connects;
    private int _unauthenticated;

    public ConnectionLimits(IOptions<MqttIngressOptions> options)
    {
        var o = options.Value;
        _maxUnauthenticated = o.MaxUnauthenticatedConnections;
        if (o.ConnectsPerSecondPerAddress > 0)
        {
            var perSecond = o.ConnectsPerSecondPerAddress;
            var burst = o.ConnectBurstPerAddress;
            _connects = PartitionedRateLimiter.Create<IPAddress, IPAddress>(address => RateLimitPartition.GetTokenBucketLimiter(address, _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = burst,
                TokensPerPeriod = Math.Max(1, (int)Math.Round(perSecond / 10)),
                ReplenishmentPeriod = TimeSpan.FromSeconds(Math.Max(1, (int)Math.Round(perSecond / 10)) / perSecond),
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
        }
    }

    /// <summary>Connections accepted and not yet authenticated.</summary>
    public int Unauthenticated => Volatile.Read(ref _unauthenticated);

    /// <summary>Counts a new connection; false (and nothing counted) when the limit is reached.</summary>
    public bool TryEnterUnauthenticated()
    {
        while (true)
        {
            var current = Volatile.Read(ref _unauthenticated);
            if (current >= _maxUnauthenticated)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _unauthenticated, current + 1, current) == current)
            {
                return true;
            }
        }
    }

    /// <summary>Uncounts a connection that authenticated or closed.</summary>
    public void LeaveUnauthenticated() => Interlocked.Decrement(ref _unauthenticated);

    /// <summary>True when a CONNECT from <paramref name="address"/> is within its rate (always, when the limit is off).</summary>
    public bool TryConnect(IPAddress? address)
    {
        if (_connects == null || address == null)
        {
            return true;
        }

        using var lease = _connects.AttemptAcquire(address);
        return lease.IsAcquired;
    }

    public void Dispose() => _connects?.Dispose();
}
