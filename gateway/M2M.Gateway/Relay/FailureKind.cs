using Microsoft.Data.Sqlite;

namespace M2M.Gateway.Relay;

/// <summary>
/// What the relay says about a failure in logs, dead letters, /health and the admin API: the kind
/// of error, never a message that could carry a secret (a webhook URL's query, a credential).
/// File and SQLite errors keep their text or code, which name a path and a cause (ENOSPC).
/// </summary>
public static class FailureKind
{
    public static string Of(Exception exception) => exception switch
    {
        SinkDeliveryException delivery => delivery.Message,
        SinkFailureException failure => failure.Message,
        IOException io => $"{io.GetType().Name}: {io.Message}",
        SqliteException sqlite => $"SqliteException: error {sqlite.SqliteErrorCode}/{sqlite.SqliteExtendedErrorCode}",
        null => "unknown",
        _ => exception.GetType().Name,
    };

    /// <summary>
    /// The failure as a metric label (<c>reason</c>): <see cref="Of"/> without the parts that vary
    /// from one occurrence to the next (an I/O error's path), so the label set stays small.
    /// </summary>
    public static string Reason(Exception exception) => exception switch
    {
        IOException io => io.GetType().Name,
        _ => Of(exception),
    };
}
