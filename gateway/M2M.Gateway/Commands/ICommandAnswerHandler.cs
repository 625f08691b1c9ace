using M2M.Gateway.Registry;

namespace M2M.Gateway.Commands;

/// <summary>
/// Told of each authentic answer the gateway records for the first time (docs/protocol.md section
/// 11.3), before the answer is acknowledged: the over-the-air rotation reads the device's proof from
/// its <c>rotate-secret</c> answer this way (section 12.6).
/// </summary>
public interface ICommandAnswerHandler
{
    /// <summary>
    /// <paramref name="command"/> as it was before the answer; <paramref name="credential"/> is the
    /// device's credential the answer verified under.
    /// </summary>
    Task AnsweredAsync(CommandEntry command, string status, string detail, DeviceCredential credential, CancellationToken cancellationToken);
}
