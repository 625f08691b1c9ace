using M2M.Device.Core.App;

namespace M2M.Fuzz.Device;

/// <summary>
/// The device configuration file as <see cref="DeviceConfig.Parse"/> reads it at boot
/// (docs/device-config.md): any bytes. Checks that a refusal is one of <see cref="DeviceConfigResult"/>'s
/// codes and that an accepted configuration formats to a file that parses to the same settings.
/// </summary>
public sealed class DeviceConfigTarget : FuzzTarget
{
    private static readonly HashSet<string> ReasonSet =
    [
        "ok", DeviceConfigResult.Malformed, DeviceConfigResult.UnsupportedFormat, DeviceConfigResult.UnknownKey, DeviceConfigResult.InvalidValue,
    ];

    public override string Name => "device-config";

    public override string Side => "device";

    public override IReadOnlySet<string> Reasons => ReasonSet;

    public override string Run(byte[] input)
    {
        var result = DeviceConfig.Parse(input);
        if (result.Config == null)
        {
            return result.Error ?? "no_error_code";
        }

        // decode(encode(x)) == x: the file the device would write back reads as the same settings.
        var formatted = result.Config.Format();
        var again = DeviceConfig.Parse(formatted);
        if (again.Config == null || !again.Config.Format().AsSpan().SequenceEqual(formatted))
        {
            throw new FuzzInvariantException($"device-config: an accepted configuration does not read back ({again.Error})");
        }

        return result.Error ?? "ok";
    }
}
