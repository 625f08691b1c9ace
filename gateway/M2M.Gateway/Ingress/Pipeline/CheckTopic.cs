using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace M2M.Gateway.Ingress.Pipeline;

/// <summary>
/// Stage 1: the topic is well formed (MQTT 5 section 4.7.3: no wildcards in a topic name; not
/// over the configured length; a telemetry stream name as docs/protocol.md section 5.2 defines it).
/// </summary>
public sealed partial class CheckTopic(IOptions<MqttIngressOptions> options) : IPublishStage
{
    private readonly int _maxTopicBytes = options.Value.MaxTopicBytes;

    public ValueTask<PublishOutcome?> RunAsync(PublishContext context, CancellationToken cancellationToken)
    {
        var topic = context.Topic;
        if (string.Equals(topic, context.Session.KnownTopic, StringComparison.Ordinal))
        {
            return ValueTask.FromResult<PublishOutcome?>(null);
        }

        var valid = topic.Length > 0
            && Encoding.UTF8.GetByteCount(topic) <= _maxTopicBytes
            && topic.IndexOfAny(['+', '#', '\0']) < 0
            && (TelemetryStreamTopic().Match(topic) is not { Success: true } match || StreamName().IsMatch(match.Groups[1].Value));
        return ValueTask.FromResult(valid ? null : PublishOutcome.TopicInvalid);
    }

    [GeneratedRegex("^devices/[^/]+/telemetry/(.*)$", RegexOptions.CultureInvariant)]
    private static partial Regex TelemetryStreamTopic();

    [GeneratedRegex("^[a-z0-9_-]{1,32}$", RegexOptions.CultureInvariant)]
    private static partial Regex StreamName();
}
