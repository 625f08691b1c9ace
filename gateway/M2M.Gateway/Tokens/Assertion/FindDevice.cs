using M2M.Gateway.Registry;

namespace M2M.Gateway.Tokens.Assertion;

/// <summary>
/// Stage 2: looks up the device the assertion's <c>sub</c> names, with its secret; unknown and
/// disabled devices are refused (section 3.2 rule 2). A registry failure is "unavailable", never a
/// refusal of the device.
/// </summary>
public sealed partial class FindDevice(IDeviceRegistry registry, ILogger<FindDevice> logger) : IAssertionStage
{
    public async ValueTask<TokenReason?> RunAsync(AssertionContext context, CancellationToken cancellationToken)
    {
        if (context.DeviceId == null)
        {
            return TokenReason.UnknownDevice;
        }

        DeviceCredential? credential;
        try
        {
            credential = await registry.FindCredentialAsync(context.DeviceId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogRegistryFailed(exception, context.DeviceId);
            return TokenReason.RegistryUnavailable;
        }

        if (credential == null)
        {
            return TokenReason.UnknownDevice;
        }

        if (!credential.Device.Enabled)
        {
            return TokenReason.DeviceDisabled;
        }

        context.Credential = credential;
        return null;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Registry look-up of {DeviceId} failed")]
    private partial void LogRegistryFailed(Exception exception, string deviceId);
}
