using System.Text;

namespace M2M.Gateway.Relay.Nats;

/// <summary>
/// The subject of a record: <c>{prefix}.{tenant}.{device}.{stream}</c>. A subject token may not hold
/// '.', '*', '&gt;', whitespace or control characters (NATS subject naming), so each of tenant, device
/// and stream keeps <c>A-Z a-z 0-9 - _</c> and writes every other UTF-8 byte as <c>%XX</c> (upper-case
/// hex; '%' itself too): reversible, and a token never splits or becomes a wildcard.
/// </summary>
public static class NatsSubject
{
    /// <summary>The subject a record is published on.</summary>
    public static string For(string prefix, RelayRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var subject = new StringBuilder(prefix.Length + record.Tenant.Length + record.Device.Length + record.Stream.Length + 8);
        subject.Append(prefix);
        foreach (var token in (ReadOnlySpan<string>)[record.Tenant, record.Device, record.Stream])
        {
            subject.Append('.');
            AppendToken(subject, token);
        }

        return subject.ToString();
    }

    /// <summary>True when <paramref name="prefix"/> is one or more literal subject tokens.</summary>
    public static bool IsValidPrefix(string? prefix) =>
        !string.IsNullOrEmpty(prefix) && prefix.Split('.').All(t => t.Length > 0 && t != "*" && t != ">" && !t.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)));

    private static void AppendToken(StringBuilder subject, string token)
    {
        if (token.Length == 0)
        {
            subject.Append("%00");
            return;
        }

        foreach (var b in Encoding.UTF8.GetBytes(token))
        {
            if (b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9' or (byte)'-' or (byte)'_')
            {
                subject.Append((char)b);
            }
            else
            {
                subject.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }
    }
}
