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
        IOException io => $"{io.GetType().Name}: {io.Message}",
        SqliteException sqlite => $"SqliteException: error {sqlite.SqliteErrorCode}/{sqlite.SqliteExtendedErrorCode}",
        null => "unknown",
        _ => exception.GetType().Name,
    };
}
