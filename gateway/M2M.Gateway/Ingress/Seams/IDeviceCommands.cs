using M2M.Gateway.Ingress.Sessions;

namespace M2M.Gateway.Ingress.Seams;

/// <summary>How the device's signed answer to a command ended (docs/protocol.md section 11.3): a stable reason.</summary>
public enum CommandResultOutcome
{
    /// <summary>Verified and recorded against its pending command.</summary>
    Recorded,

    /// <summary>Verified, for a command already completed (a resend): nothing changes.</summary>
    Duplicate,

    /// <summary>Not the layout of section 11.3.</summary>
    Malformed,

    /// <summary>The HMAC does not verify under the device's current K_cmd.</summary>
    BadSignature,

    /// <summary>No command with that sequence number was sent to this device.</summary>
    UnknownCommand,

    /// <summary>The command store cannot be reached now: the result is not acknowledged, the device sends it again.</summary>
    Unavailable,
}

/// <summary>
/// What the ingress asks of the cloud-to-device command part (gateway/M2M.Gateway/Commands): to be
/// told when a session subscribes to its command topic, and to record the results devices publish.
/// Optional: without it the ingress delivers no commands and refuses result PUBLISHes.
/// </summary>
public interface IDeviceCommands
{
    /// <summary>A session's subscription now covers <c>devices/{id}/commands</c>: pending commands may be sent. Returns at once.</summary>
    void SessionSubscribed(DeviceSession session);

    /// <summary>Verifies and records a result PUBLISH of <paramref name="session"/>'s device.</summary>
    ValueTask<CommandResultOutcome> RecordResultAsync(DeviceSession session, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken);
}
