namespace M2M.Gateway.Activity;

/// <summary>One minute of the gateway's traffic.</summary>
/// <param name="Minute">The minute's start.</param>
/// <param name="Accepted">Messages acknowledged with success (accepted, duplicates, renewals).</param>
/// <param name="Refused">Messages refused, by reason.</param>
public sealed record MinuteCount(DateTimeOffset Minute, long Accepted, IReadOnlyDictionary<string, long> Refused)
{
    /// <summary>Refused messages, all reasons.</summary>
    public long RefusedTotal => Refused.Values.Sum();
}

/// <summary>
/// The gateway's message outcomes per minute for the last <see cref="Minutes"/> minutes, in a ring
/// of fixed size: what the console charts. The Prometheus counters (/metrics) are the durable,
/// scrapeable form of the same figures.
/// </summary>
public sealed class GatewayRates
{
    /// <summary>Minutes kept.</summary>
    public const int Minutes = 60;

    private readonly Lock _lock = new();
    private readonly long[] _stamp = new long[Minutes];
    private readonly long[] _accepted = new long[Minutes];
    private readonly Dictionary<string, long>[] _refused = CreateBuckets();

    /// <summary>Counts one outcome at <paramref name="now"/>.</summary>
    public void Count(DateTimeOffset now, string reason, bool succeeded)
    {
        var minute = now.ToUnixTimeSeconds() / 60;
        var slot = (int)(minute % Minutes);
        lock (_lock)
        {
            if (_stamp[slot] != minute)
            {
                _stamp[slot] = minute;
                _accepted[slot] = 0;
                _refused[slot].Clear();
            }

            if (succeeded)
            {
                _accepted[slot]++;
            }
            else
            {
                _refused[slot][reason] = _refused[slot].GetValueOrDefault(reason) + 1;
            }
        }
    }

    /// <summary>The last <see cref="Minutes"/> minutes up to <paramref name="now"/>'s, oldest first, quiet minutes included as zeros.</summary>
    public IReadOnlyList<MinuteCount> Read(DateTimeOffset now)
    {
        var current = now.ToUnixTimeSeconds() / 60;
        var counts = new List<MinuteCount>(Minutes);
        lock (_lock)
        {
            for (var minute = current - Minutes + 1; minute <= current; minute++)
            {
                var slot = (int)(minute % Minutes);
                var start = DateTimeOffset.FromUnixTimeSeconds(minute * 60);
                counts.Add(_stamp[slot] == minute
                    ? new MinuteCount(start, _accepted[slot], new Dictionary<string, long>(_refused[slot], StringComparer.Ordinal))
                    : new MinuteCount(start, 0, new Dictionary<string, long>()));
            }
        }

        return counts;
    }

    private static Dictionary<string, long>[] CreateBuckets()
    {
        var buckets = new Dictionary<string, long>[Minutes];
        for (var i = 0; i < Minutes; i++)
        {
            buckets[i] = new Dictionary<string, long>(StringComparer.Ordinal);
        }

        return buckets;
    }
}
