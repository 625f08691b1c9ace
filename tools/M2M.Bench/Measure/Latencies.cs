using System.Diagnostics;

namespace M2M.Bench.Measure;

/// <summary>Latencies in Stopwatch ticks, collected from many threads, and their percentiles (nearest rank).</summary>
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

    public void Add(long elapsedTicks)
    {
        lock (_ticks)
        {
            _ticks.Add(elapsedTicks);
        }
    }

    /// <summary>The <paramref name="quantile"/> (0..1) in milliseconds; NaN when nothing was collected.</summary>
    public double Percentile(double quantile)
    {
        lock (_ticks)
        {
            return Percentile(_ticks, quantile);
        }
    }

    /// <summary>The <paramref name="quantile"/> (0..1) of <paramref name="ticks"/> in milliseconds (sorts the list).</summary>
    public static double Percentile(List<long> ticks, double quantile)
    {
        if (ticks.Count == 0)
        {
            return double.NaN;
        }

        ticks.Sort();
        var rank = (int)Math.Ceiling(quantile * ticks.Count) - 1;
        return ticks[Math.Clamp(rank, 0, ticks.Count - 1)] * 1000.0 / Stopwatch.Frequency;
    }
}
