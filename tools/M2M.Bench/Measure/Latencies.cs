using System.Diagnostics;

namespace M2M.Bench.Measure;

/// <summary>Publish-to-sink latencies, from Stopwatch timestamps taken in this process, and their percentiles.</summary>
public sealed class Latencies
{
    private readonly List<long> _ticks = [];

    public int Count
    {
        get
        {
            lock (_ticks)
            {
                return _ticks.Count;
            }
        }
    }

    public void Add(long publishedTimestamp)
    {
        var elapsed = Stopwatch.GetTimestamp() - publishedTimestamp;
        lock (_ticks)
        {
            _ticks.Add(elapsed);
        }
    }

    /// <summary>The <paramref name="quantile"/> (0..1) latency in milliseconds, nearest rank.</summary>
    public double Percentile(double quantile)
    {
        lock (_ticks)
        {
            if (_ticks.Count == 0)
            {
                return double.NaN;
            }

            _ticks.Sort();
            var rank = (int)Math.Ceiling(quantile * _ticks.Count) - 1;
            return _ticks[Math.Clamp(rank, 0, _ticks.Count - 1)] * 1000.0 / Stopwatch.Frequency;
        }
    }
}
