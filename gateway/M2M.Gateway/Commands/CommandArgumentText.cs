using System.Text;
using System.Text.RegularExpressions;

namespace M2M.Gateway.Commands;

/// <summary>
/// The argument text of a command and the detail of a result (docs/protocol.md section 11.2):
/// <c>key=value</c> lines separated by '\n', keys of 1 to 32 of a-z, 0-9 and '_', each at most once,
/// values without '\n' or U+0000, at most 16 lines.
/// </summary>
public static partial class CommandArgumentText
{
    /// <summary>Most lines.</summary>
    public const int MaxEntries = 16;

    /// <summary>The text of <paramref name="arguments"/>, in key order; null when one breaks the rules.</summary>
    public static string? Format(IReadOnlyDictionary<string, string> arguments)
    {
        if (arguments.Count > MaxEntries)
        {
            return null;
        }

        var text = new StringBuilder();
        foreach (var (key, value) in arguments.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            if (!Key().IsMatch(key) || value.Contains('\n') || value.Contains('\0'))
            {
                return null;
            }

            if (text.Length > 0)
            {
                text.Append('\n');
            }

            text.Append(key).Append('=').Append(value);
        }

        return text.ToString();
    }

    /// <summary>The entries of a text; lines that break the rules are skipped (the detail is informational).</summary>
    public static Dictionary<string, string> Parse(string text)
    {
        var entries = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0 && Key().IsMatch(line[..equals]))
            {
                entries.TryAdd(line[..equals], line[(equals + 1)..]);
            }
        }

        return entries;
    }

    [GeneratedRegex("^[a-z0-9_]{1,32}$", RegexOptions.CultureInvariant)]
    private static partial Regex Key();
}
