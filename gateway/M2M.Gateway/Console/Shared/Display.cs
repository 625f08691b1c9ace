using System.Globalization;

namespace M2M.Gateway.OperatorConsole;

/// <summary>How the console writes times and durations: UTC, ISO 8601, and "how long ago" for people.</summary>
public static class Display
{
    /// <summary>An instant as <c>2026-11-30 23:59:01Z</c>, or a dash.</summary>
    public static string Time(DateTimeOffset? instant) =>
        instant?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "—";

    /// <summary>The instant for a <c>datetime</c> attribute.</summary>
    public static string Iso(DateTimeOffset instant) => instant.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    /// <summary>How long before <paramref name="now"/> (or after, for a future instant) <paramref name="instant"/> is.</summary>
    public static string Relative(DateTimeOffset? instant, DateTimeOffset now)
    {
        if (instant == null)
        {
            return "never";
        }

        var span = now - instant.Value;
        var future = span < TimeSpan.Zero;
        var text = Span(future ? -span : span);
        return future ? "in " + text : text + " ago";
    }

    private static string Span(TimeSpan span) =>
        span.TotalSeconds < 60 ? $"{(int)span.TotalSeconds} s"
        : span.TotalMinutes < 60 ? $"{(int)span.TotalMinutes} min"
        : span.TotalHours < 48 ? $"{(int)span.TotalHours} h"
        : $"{(int)span.TotalDays} d";
}
