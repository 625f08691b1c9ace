using M2M.Gateway.Registry;

namespace M2M.Gateway.Tokens.Assertion;

/// <summary>
/// Last stage: an assertion accepted under a pending S' (docs/protocol.md section 12.6 step 3) makes S'
/// the device's current secret, at the next credential generation, before the token is issued, so the
/// token carries the new generation and S is refused from now on. S' no longer pending (rolled back,
/// promoted by a concurrent request that then wins) refuses the assertion as a bad signature.
/// </summary>
public sealed class PromotePendingSecret(DeviceKeyCache devices, IPendingCredentials? pending = null) : IAssertionStage
{
    public async ValueTask<TokenReason?> RunAsync(AssertionContext context, CancellationToken cancellationToken)
    {
        if (context.PendingSecret is not { } candidate || pending == null)
        {
            return null;
        }

        var generation = await pending.PromoteAsync(context.Keys!.Device.DeviceId, candidate.Sequence, candidate.BaseGeneration, cancellationToken).ConfigureAwait(false);
        var keys = generation == null ? null : await devices.ReloadAsync(context.Keys.Device.DeviceId, cancellationToken).ConfigureAwait(false);
        if (keys == null || keys.Device.CredentialGeneration != generation)
        {
            return TokenReason.BadSignature;
        }

        context.Keys = keys;
        return null;
    }
}
