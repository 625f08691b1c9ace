using System.Security.Cryptography;
using M2M.Gateway.Audit;
using M2M.Gateway.Commands;
using M2M.Gateway.Metrics;
using M2M.Gateway.Registry;
using M2M.Gateway.Secrets;
using M2M.Gateway.Tokens.Assertion;

namespace M2M.Gateway.Rotation;

/// <summary>How a request to start a rotation ended.</summary>
public enum RotationStart
{
    Started,

    /// <summary>No such device.</summary>
    NotFound,

    /// <summary>The device has a rotation in progress already (at most one, docs/protocol.md section 12.6).</summary>
    InProgress,
}

/// <summary>
/// The gateway's side of the over-the-air rotation (docs/protocol.md section 12.6), each step a method
/// in the order it happens: <see cref="StartAsync"/> (ephemeral key pair, rotation row, rotate-secret
/// command), <see cref="AnsweredAsync"/> (the device's proof checked, S' kept pending),
/// <see cref="FindPendingAuthKeyAsync"/> and <see cref="PromoteAsync"/> (the token endpoint finds an
/// assertion signed under S' and makes S' current), <see cref="CheckDeadlinesAsync"/> (rotations past
/// their deadline rolled back on the injected clock). Every outcome is audited and counted
/// (<c>m2m_secret_rotations_total</c>); no key, secret or proof is ever logged.
/// </summary>
public sealed partial class RotationService(
    RotationStore store,
    CommandService commands,
    IDeviceRegistry registry,
    ISecretProtector protector,
    TimeProvider time,
    GatewayMetrics metrics,
    IAuditLog audit,
    ILogger<RotationService> logger) : ICommandAnswerHandler, IPendingCredentials
{
    /// <summary>The command name (section 12.2).</summary>
    public const string CommandName = "rotate-secret";

    /// <summary>Actor of rotations started by a device's schedule.</summary>
    public const string ScheduleActor = "schedule";

    /// <summary>The command's argument text: <c>gateway_key=</c> base64url(Q_g).</summary>
    public static string Arguments(byte[] gatewayPublicKey) => "gateway_key=" + System.Buffers.Text.Base64Url.EncodeToString(gatewayPublicKey);

    /// <summary>Starts a rotation of <paramref name="deviceId"/>'s secret, rolled back after <paramref name="timeout"/>.</summary>
    public async Task<(RotationStart Outcome, RotationEntry? Entry)> StartAsync(string deviceId, TimeSpan timeout, string actor, CancellationToken cancellationToken)
    {
        var device = await registry.FindAsync(deviceId, cancellationToken).ConfigureAwait(false);
        if (device == null)
        {
            return (RotationStart.NotFound, null);
        }

        if (await store.FindActiveAsync(deviceId, cancellationToken).ConfigureAwait(false) is { } active)
        {
            return (RotationStart.InProgress, active);
        }

        var (privateKey, publicKey) = RotationExchange.NewKeyPair();
        RotationEntry? entry = null;
        try
        {
            // The row is written before the command can leave, so no answer can arrive without it.
            await commands.QueueAsync(deviceId, CommandName, Arguments(publicKey), timeout, async command =>
            {
                entry = new RotationEntry(deviceId, command.Sequence, RotationState.Offered, device.CredentialGeneration, command.CreatedAt, command.ExpiresAt, null, null, actor);
                await store.InsertAsync(entry, publicKey, protector.Protect(privateKey, RotationStore.PrivateKeyPurpose(deviceId, command.Sequence)), cancellationToken).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(privateKey);
        }

        Outcome(entry!, "started", null);
        return (RotationStart.Started, entry);
    }

    /// <summary>Section 12.6 step 2: the device's answer to its rotate-secret command.</summary>
    public async Task AnsweredAsync(CommandEntry command, string status, string detail, DeviceCredential credential, CancellationToken cancellationToken)
    {
        if (command.Name != CommandName || await store.FindAsync(command.DeviceId, command.Sequence, cancellationToken).ConfigureAwait(false) is not { State: RotationState.Offered } entry)
        {
            return;
        }

        if (status != "ok")
        {
            // The device's own reason (section 12.4), e.g. device_restart_unsupported.
            var reason = CommandArgumentText.Parse(detail).GetValueOrDefault("reason");
            await FailAsync(entry, "device_" + (reason is { Length: <= 32 } && reason.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_') ? reason : status), cancellationToken).ConfigureAwait(false);
            return;
        }

        if (credential.Device.CredentialGeneration != entry.BaseGeneration)
        {
            // Rotated or registered again meanwhile: the answer was derived from another S.
            await FailAsync(entry, "credential_changed", cancellationToken).ConfigureAwait(false);
            return;
        }

        var sealedKey = await store.ReadPrivateKeyAsync(entry.DeviceId, entry.Sequence, cancellationToken).ConfigureAwait(false);
        var privateKey = sealedKey == null ? null : protector.Unprotect(sealedKey, RotationStore.PrivateKeyPurpose(entry.DeviceId, entry.Sequence));
        if (privateKey == null)
        {
            await FailAsync(entry, "key_unavailable", cancellationToken).ConfigureAwait(false);
            return;
        }

        var newSecret = RotationExchange.Verify(entry.DeviceId, entry.Sequence, credential.Secret.Span, privateKey, detail, out var failure);
        CryptographicOperations.ZeroMemory(privateKey);
        if (newSecret == null)
        {
            await FailAsync(entry, failure switch
            {
                ProofFailure.LowOrderKey => "low_order_key",
                ProofFailure.BadProof => "bad_proof",
                _ => "malformed_answer",
            }, cancellationToken).ConfigureAwait(false);
            return;
        }

        var sealedSecret = protector.Protect(newSecret, RotationStore.PendingSecretPurpose(entry.DeviceId, entry.Sequence));
        CryptographicOperations.ZeroMemory(newSecret);
        if (await store.MarkProvedAsync(entry.DeviceId, entry.Sequence, sealedSecret, cancellationToken).ConfigureAwait(false))
        {
            Outcome(entry, "proved", null);
        }
    }

    /// <summary>
    /// Section 12.6 step 3: K_auth of the device's pending S', when it has a proved rotation before its
    /// deadline whose S is still current; null otherwise. Asked only for an assertion that did not
    /// verify under the current S.
    /// </summary>
    public async Task<PendingAuthKey?> FindPendingAuthKeyAsync(RegisteredDevice device, CancellationToken cancellationToken)
    {
        var entry = await store.FindActiveAsync(device.DeviceId, cancellationToken).ConfigureAwait(false);
        if (entry is not { State: RotationState.Proved } || entry.Deadline <= time.GetUtcNow() || entry.BaseGeneration != device.CredentialGeneration)
        {
            return null;
        }

        var newSecret = await ReadPendingSecretAsync(entry, cancellationToken).ConfigureAwait(false);
        if (newSecret == null)
        {
            return null;
        }

        var key = DeviceKeyDerivation.DeriveAuthKey(newSecret);
        CryptographicOperations.ZeroMemory(newSecret);
        return new PendingAuthKey(entry.Sequence, entry.BaseGeneration, key);
    }

    /// <summary>
    /// Section 12.6 step 3: makes the pending S' of rotation <paramref name="sequence"/> current (the
    /// generation goes up by one, S is forgotten, the device's old tokens and sessions end). Returns the
    /// new generation, or null when the rotation or the credential changed meanwhile.
    /// </summary>
    public async Task<long?> PromoteAsync(string deviceId, long sequence, long baseGeneration, CancellationToken cancellationToken)
    {
        var entry = await store.FindAsync(deviceId, sequence, cancellationToken).ConfigureAwait(false);
        var newSecret = entry is { State: RotationState.Proved } ? await ReadPendingSecretAsync(entry, cancellationToken).ConfigureAwait(false) : null;
        if (entry == null || newSecret == null)
        {
            return null;
        }

        try
        {
            var promoted = await registry.ReplaceSecretAsync(deviceId, newSecret, baseGeneration, cancellationToken).ConfigureAwait(false);
            if (promoted == null)
            {
                return null;
            }

            // Had the gateway stopped here, CheckDeadlinesAsync would find S' current and complete it.
            await store.FinishAsync(deviceId, sequence, RotationState.Completed, null, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            Outcome(entry, RotationState.Completed, null);
            return promoted.Device.CredentialGeneration;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(newSecret);
        }
    }

    /// <summary>
    /// Section 12.6 step 4: every rotation past its deadline is rolled back (S stays), except one whose
    /// S' the registry already holds (a promotion cut short), which is completed.
    /// </summary>
    public async Task CheckDeadlinesAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        foreach (var entry in await store.ListOverdueAsync(now, cancellationToken).ConfigureAwait(false))
        {
            if (entry.State == RotationState.Proved && await IsCurrentAsync(entry, cancellationToken).ConfigureAwait(false))
            {
                await store.FinishAsync(entry.DeviceId, entry.Sequence, RotationState.Completed, null, now, cancellationToken).ConfigureAwait(false);
                Outcome(entry, RotationState.Completed, null);
                continue;
            }

            var reason = entry.State == RotationState.Offered ? "no_answer" : "not_used";
            if (await store.FinishAsync(entry.DeviceId, entry.Sequence, RotationState.RolledBack, reason, now, cancellationToken).ConfigureAwait(false))
            {
                Outcome(entry, RotationState.RolledBack, reason);
            }
        }
    }

    /// <summary>Starts the periodic rotations that are due (docs/admin-api.md, "Periodic rotation").</summary>
    public async Task StartDueAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        foreach (var deviceId in await store.ListDueAsync(time.GetUtcNow(), cancellationToken).ConfigureAwait(false))
        {
            await StartAsync(deviceId, timeout, ScheduleActor, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<bool> IsCurrentAsync(RotationEntry entry, CancellationToken cancellationToken)
    {
        var credential = await registry.FindCredentialAsync(entry.DeviceId, cancellationToken).ConfigureAwait(false);
        var newSecret = await ReadPendingSecretAsync(entry, cancellationToken).ConfigureAwait(false);
        try
        {
            return credential != null && newSecret != null && credential.Device.CredentialGeneration == entry.BaseGeneration + 1
                && CryptographicOperations.FixedTimeEquals(credential.Secret.Span, newSecret);
        }
        finally
        {
            if (newSecret != null)
            {
                CryptographicOperations.ZeroMemory(newSecret);
            }
        }
    }

    private async Task<byte[]?> ReadPendingSecretAsync(RotationEntry entry, CancellationToken cancellationToken)
    {
        var sealedSecret = await store.ReadPendingSecretAsync(entry.DeviceId, entry.Sequence, cancellationToken).ConfigureAwait(false);
        return sealedSecret == null ? null : protector.Unprotect(sealedSecret, RotationStore.PendingSecretPurpose(entry.DeviceId, entry.Sequence));
    }

    private async Task FailAsync(RotationEntry entry, string reason, CancellationToken cancellationToken)
    {
        if (await store.FinishAsync(entry.DeviceId, entry.Sequence, RotationState.Failed, reason, time.GetUtcNow(), cancellationToken).ConfigureAwait(false))
        {
            Outcome(entry, RotationState.Failed, reason);
        }
    }

    // One audit line, one metric and one log line per step (outcome label: started, proved, completed, failed, rolled_back).
    private void Outcome(RotationEntry entry, string outcome, string? reason)
    {
        metrics.Rotation(outcome);
        audit.Record(new AuditEvent("rotation." + outcome, entry.Actor, entry.DeviceId, reason ?? "ok", null, Target: entry.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        LogOutcome(entry.DeviceId, entry.Sequence, outcome, reason ?? "ok");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Secret rotation {Sequence} of {DeviceId}: {Outcome} ({Reason})")]
    private partial void LogOutcome(string deviceId, long sequence, string outcome, string reason);
}

