using System.Runtime.CompilerServices;
using M2M.Gateway.Ingress.Authorization;
using M2M.Gateway.Ingress.Seams;
using M2M.Gateway.Ingress.Sessions;
using M2M.Gateway.Metrics;
using M2M.Gateway.Registry;

namespace M2M.Gateway.Commands;

/// <summary>
/// Cloud-to-device commands (docs/protocol.md section 11): queues them durably, sends a device its
/// oldest unanswered command, one at a time, when it is connected and subscribed to its command
/// topic, and records the signed answer, which moves it on to the next. A command is signed when it
/// is sent, under the K_cmd of the device's secret at that moment, so one queued before a rotation
/// still verifies after it. The answer is the acknowledgement: a command not answered in a session is
/// sent again in the device's next session, and the device answers a repeat without running it again.
/// </summary>
public sealed partial class CommandService(
    CommandStore store,
    IDeviceRegistry registry,
    SessionRegistry sessions,
    TimeProvider time,
    GatewayMetrics metrics,
    IEnumerable<ICommandAnswerHandler> answerHandlers,
    ILogger<CommandService> logger) : IDeviceCommands
{
    // The sequence number last sent on each live session: a session is sent each command once.
    private readonly ConditionalWeakTable<DeviceSession, StrongBox<long>> _sent = new();

    /// <summary>The topic a device receives its commands on (docs/protocol.md section 5.2).</summary>
    public static string CommandTopic(string deviceId) => $"devices/{deviceId}/commands";

    /// <summary>Queues a command; sends it at once when the device is connected and has nothing else pending.</summary>
    public Task<CommandEntry> QueueAsync(string deviceId, string name, string arguments, TimeSpan timeToLive, CancellationToken cancellationToken) =>
        QueueAsync(deviceId, name, arguments, timeToLive, null, cancellationToken);

    /// <summary>
    /// Queues a command and runs <paramref name="beforeDelivery"/> with it before it can be sent (the
    /// rotation records its exchange there, so that no answer can arrive before it).
    /// </summary>
    public async Task<CommandEntry> QueueAsync(string deviceId, string name, string arguments, TimeSpan timeToLive, Func<CommandEntry, Task>? beforeDelivery, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var entry = await store.QueueAsync(deviceId, name, arguments, now, now + timeToLive, cancellationToken).ConfigureAwait(false);
        metrics.Command("queued");
        LogQueued(deviceId, entry.Sequence, name);
        if (beforeDelivery != null)
        {
            await beforeDelivery(entry).ConfigureAwait(false);
        }

        await DeliverNextAsync(deviceId, cancellationToken).ConfigureAwait(false);
        return await store.FindAsync(deviceId, entry.Sequence, cancellationToken).ConfigureAwait(false) ?? entry;
    }

    /// <inheritdoc />
    public void SessionSubscribed(DeviceSession session) => _ = DeliverSafelyAsync(session.DeviceId);

    /// <summary>Sends the device's oldest unanswered command on its live session, unless that session already had it.</summary>
    public async Task DeliverNextAsync(string deviceId, CancellationToken cancellationToken)
    {
        var session = sessions.Find(deviceId);
        var topic = CommandTopic(deviceId);
        if (session?.Connection == null || !session.Subscriptions.Any(filter => TopicFilter.Covers(filter, topic)))
        {
            return;
        }

        var entry = await store.NextPendingAsync(deviceId, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        if (entry == null)
        {
            return;
        }

        var sent = _sent.GetOrCreateValue(session);
        var previous = Interlocked.Exchange(ref sent.Value, entry.Sequence);
        if (previous >= entry.Sequence)
        {
            // This session has it already; it is sent again only in the device's next session.
            Interlocked.CompareExchange(ref sent.Value, previous, entry.Sequence);
            return;
        }

        var credential = await registry.FindCredentialAsync(deviceId, cancellationToken).ConfigureAwait(false);
        if (credential == null)
        {
            return;
        }

        var key = DeviceKeyDerivation.DeriveCommandKey(credential.Secret.Span);
        var payload = CommandWire.EncodeCommand(deviceId, entry.Sequence, entry.ExpiresAt.ToUnixTimeSeconds(), entry.Name, entry.Arguments, key);
        if (!session.Connection.Send(topic, payload))
        {
            Interlocked.CompareExchange(ref sent.Value, previous, entry.Sequence);
            return;
        }

        await store.MarkDeliveredAsync(deviceId, entry.Sequence, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        metrics.Command("delivered");
        LogDelivered(deviceId, entry.Sequence, entry.Name);
    }

    /// <inheritdoc />
    public async ValueTask<CommandResultOutcome> RecordResultAsync(DeviceSession session, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var deviceId = session.DeviceId;
        CommandResultOutcome outcome;
        try
        {
            outcome = await RecordAsync(deviceId, payload, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is System.Data.Common.DbException or IOException)
        {
            LogStoreFailed(exception, deviceId);
            outcome = CommandResultOutcome.Unavailable;
        }

        metrics.Command("result_" + outcome.ToString().ToLowerInvariant());
        if (outcome == CommandResultOutcome.Recorded)
        {
            // The device is free for its next command.
            await DeliverNextAsync(deviceId, cancellationToken).ConfigureAwait(false);
        }

        return outcome;
    }

    private async Task<CommandResultOutcome> RecordAsync(string deviceId, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var credential = await registry.FindCredentialAsync(deviceId, cancellationToken).ConfigureAwait(false);
        if (credential == null)
        {
            return CommandResultOutcome.UnknownCommand;
        }

        var key = DeviceKeyDerivation.DeriveCommandKey(credential.Secret.Span);
        var answer = CommandWire.TryDecodeResult(payload.Span, deviceId, key, out var badSignature);
        if (answer == null)
        {
            return badSignature ? CommandResultOutcome.BadSignature : CommandResultOutcome.Malformed;
        }

        var before = await store.CompleteAsync(deviceId, answer.Sequence, answer.Status, answer.Detail, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        if (before == null)
        {
            return CommandResultOutcome.UnknownCommand;
        }

        if (before.Completed && before.Status != CommandStatus.Expired)
        {
            return CommandResultOutcome.Duplicate;
        }

        LogAnswered(deviceId, answer.Sequence, before.Name, answer.Status);
        foreach (var handler in answerHandlers)
        {
            await handler.AnsweredAsync(before, answer.Status, answer.Detail, credential, cancellationToken).ConfigureAwait(false);
        }

        return CommandResultOutcome.Recorded;
    }

    private async Task DeliverSafelyAsync(string deviceId)
    {
        try
        {
            await DeliverNextAsync(deviceId, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is System.Data.Common.DbException or IOException or System.Security.Cryptography.CryptographicException)
        {
            // Sent again at the device's next subscription.
            LogStoreFailed(exception, deviceId);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Command {Sequence} ({Name}) queued for {DeviceId}")]
    private partial void LogQueued(string deviceId, long sequence, string name);

    [LoggerMessage(Level = LogLevel.Information, Message = "Command {Sequence} ({Name}) sent to {DeviceId}")]
    private partial void LogDelivered(string deviceId, long sequence, string name);

    [LoggerMessage(Level = LogLevel.Information, Message = "Command {Sequence} ({Name}) answered by {DeviceId}: {Status}")]
    private partial void LogAnswered(string deviceId, long sequence, string name, string status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Commands of {DeviceId}: the store failed; the device is sent its commands again at its next subscription")]
    private partial void LogStoreFailed(Exception exception, string deviceId);
}
