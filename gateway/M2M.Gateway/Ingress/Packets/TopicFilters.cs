namespace M2M.Gateway.Ingress.Packets;

/// <summary>
/// The syntax of Topic Filters (MQTT 5 section 4.7), for the caller to answer each filter of a
/// SUBSCRIBE in its SUBACK (0x8F Topic Filter invalid, 0x9E Shared Subscriptions not supported).
/// </summary>
public static class TopicFilters
{
    private const string SharePrefix = "$share/";

    /// <summary>
    /// True when <paramref name="filter"/> is a well-formed Topic Filter: at least one character, no
    /// U+0000 (4.7.3 MQTT-4.7.3-1, MQTT-4.7.3-2); '#' alone in the last level (4.7.1.2 MQTT-4.7.1-1);
    /// '+' alone in its level (4.7.1.3 MQTT-4.7.1-2). A Shared Subscription's filter
    /// ($share/{ShareName}/{filter}) needs a ShareName of at least one character without '/', '+'
    /// or '#', followed by '/' and a well-formed filter (4.8.2 MQTT-4.8.2-1, MQTT-4.8.2-2).
    /// </summary>
    public static bool IsValid(ReadOnlySpan<char> filter)
    {
        if (IsShared(filter))
        {
            var rest = filter[SharePrefix.Length..];
            var slash = rest.IndexOf('/');
            if (slash <= 0 || rest[..slash].ContainsAny('+', '#'))
            {
                return false;
            }

            filter = rest[(slash + 1)..];
        }

        if (filter.IsEmpty || filter.Contains('\0'))
        {
            return false;
        }

        while (true)
        {
            var end = filter.IndexOf('/');
            var level = end < 0 ? filter : filter[..end];
            if (level.ContainsAny('+', '#') && !(level is "+" || (level is "#" && end < 0)))
            {
                return false;
            }

            if (end < 0)
            {
                return true;
            }

            filter = filter[(end + 1)..];
        }
    }

    /// <inheritdoc cref="IsValid(ReadOnlySpan{char})"/>
    public static bool IsValid(string filter) => IsValid(filter.AsSpan());

    /// <summary>True when <paramref name="filter"/> names a Shared Subscription: it starts with "$share/" (4.8.2).</summary>
    public static bool IsShared(ReadOnlySpan<char> filter) => filter.StartsWith(SharePrefix, StringComparison.Ordinal);

    /// <inheritdoc cref="IsShared(ReadOnlySpan{char})"/>
    public static bool IsShared(string filter) => IsShared(filter.AsSpan());
}
