using M2M.Gateway.Registry;

namespace M2M.Gateway.Tokens.Assertion;

/// <summary>
/// Stage 2: looks up the device the assertion's <c>sub</c> names, with its K_auth, through the
/// <see cref="DeviceKeyCache"/> (docs/tokens.md, "Registry look-ups"); unknown and disabled devices
/// are refused (section 3.2 rule 2). A registry failure is "unavailable", never a refusal of the device.
/// </summary>
public sealed partial class FindDevice(DeviceKeyCache devices, ILogger<FindDevice> logger) : IAssertionStage
{
    public async ValueTask<TokenReason?> RunAsync(AssertionContext context, CancellationToken cancellationToken)
    {
        if (context.DeviceId == null)
        {
            return TokenReason.UnknownDevice;
        }

        DeviceKeys? keys;
        try
        {
            keys = await devices.FindAsync(context.DeviceId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogRegistryFailed(exception, context.DeviceId);
            return TokenReason.RegistryUnavailable;
        }

        if (keys == null)
        {
            return TokenReason.UnknownDevice;
        }

        if (!keys.Device.Enabled)
        {
            return TokenReason.DeviceDisabled;
        }

        context.Keys = keys;
        return null;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Registry look-up of {DeviceId} failed")]
    private partial void LogRegistryFailed(Exception exception, string deviceId);
}
