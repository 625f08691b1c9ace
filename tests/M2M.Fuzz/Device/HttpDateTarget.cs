using System.Globalization;
using System.Text;
using M2M.Device.Core.Tokens;

namespace M2M.Fuzz.Device;

/// <summary>
/// The token response's Date header as <see cref="HttpDate.Parse"/> reads it to set the device clock
/// (docs/protocol.md section 3.4): any text. Checks that an accepted date is a time .NET can hold and
/// that its IMF-fixdate (RFC 9110 section 5.6.7) reads back as the same instant.
/// </summary>
public sealed class HttpDateTarget : FuzzTarget
{
    private static readonly HashSet<string> ReasonSet = ["date", "not_a_date"];

    public override string Name => "http-date";

    public override string Side => "device";

    public override IReadOnlySet<string> Reasons => ReasonSet;

    public override string Run(byte[] input)
    {
        var milliseconds = HttpDate.Parse(Encoding.UTF8.GetString(input));
        if (milliseconds < 0)
        {
            return milliseconds == -1 ? "not_a_date" : "negative_time";
        }

        if (milliseconds > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds() || milliseconds % 1000 != 0)
        {
            throw new FuzzInvariantException($"http-date: {milliseconds} ms is not a whole second of a representable date");
        }

        var imf = DateTimeOffset.FromUnixTimeMilliseconds(milliseconds).ToString("r", CultureInfo.InvariantCulture);
        if (HttpDate.Parse(imf) != milliseconds)
        {
            throw new FuzzInvariantException($"http-date: '{imf}' does not read back as {milliseconds}");
        }

        return "date";
    }
}
