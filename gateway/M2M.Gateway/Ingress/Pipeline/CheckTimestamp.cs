using Microsoft.Extensions.Options;

namespace M2M.Gateway.Ingress.Pipeline;

/// <summary>
/// Stage 6: m2m-ts, when the device knew the time (not 0), lies within the configured window around
/// the gateway's clock (docs/protocol.md section 6.1): not more than <see cref="MqttIngressOptions.MaxTimestampAhead"/>
/// ahead (a device clock gone wrong, or a value meant to sort first forever) and not more than
/// <see cref="MqttIngressOptions.MaxTimestampAge"/> behind (longer than a device may keep a message
/// offline). After the signature, so only the device's own claim is judged.
/// </summary>
public sealed class CheckTimestamp(IOptions<MqttIngressOptions> options, TimeProvider time) : IPublishStage
{
    private readonly long _aheadMilliseconds = (long)options.Value.MaxTimestampAhead.TotalMilliseconds;
    private readonly long _ageMilliseconds = (long)options.Value.MaxTimestampAge.TotalMilliseconds;

    public ValueTask<PublishOutcome?> RunAsync(PublishContext context, CancellationToken cancellationToken)
    {
        var timestamp = context.Message!.Timestamp;
        if (timestamp == 0)
        {
            return ValueTask.FromResult<PublishOutcome?>(null);
        }

        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var valid = (_aheadMilliseconds == 0 || timestamp <= now + _aheadMilliseconds)
            && (_ageMilliseconds == 0 || timestamp >= now - _ageMilliseconds);
        return ValueTask.FromResult(valid ? null : PublishOutcome.TimestampOutOfRange);
    }
}
