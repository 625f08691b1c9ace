using M2M.Device.Core.App;
using M2M.Device.Core.Crypto;

namespace M2M.Device.Core.Commands
{
    /// <summary>
    /// The commands every device of this project understands (docs/protocol.md section 11.5):
    /// <c>ping</c>, <c>set-config</c>, <c>reboot</c>, <c>rotate-secret</c> (section 12); any other name is answered
    /// <see cref="CommandResult.UnknownCommand"/>. Each checks its arguments before it acts.
    /// </summary>
    public sealed class BuiltInCommands : ICommandHandler
    {
        /// <summary>Command names.</summary>
        public const string Ping = "ping";
        public const string SetConfig = "set-config";
        public const string Reboot = "reboot";
        public const string RotateSecret = "rotate-secret";

        /// <summary>rotate-secret's argument: the gateway's ephemeral X25519 public key, base64url (section 12.2).</summary>
        public const string GatewayKeyArgument = "gateway_key";

        /// <summary>set-config's arguments: the configuration file's own keys (docs/device-config.md).</summary>
        public const string TelemetryIntervalKey = "telemetry_interval_s";
        public const string OutboxCapacityKey = "outbox_capacity";

        private readonly ICommandTarget _target;

        public BuiltInCommands(ICommandTarget target)
        {
            _target = target;
        }

        /// <inheritdoc />
        public CommandResult Execute(Command command)
        {
            switch (command.Name)
            {
                case Ping:
                    return command.Arguments!.Count != 0 ? Invalid("unexpected_argument") : new CommandResult(CommandResult.Ok, _target.Describe());
                case SetConfig:
                    return Configure(command);
                case Reboot:
                    if (command.Arguments!.Count != 0)
                    {
                        return Invalid("unexpected_argument");
                    }

                    return _target.ScheduleRestart()
                        ? new CommandResult(CommandResult.Ok, string.Empty)
                        : new CommandResult(CommandResult.Failed, "reason=restart_unsupported");
                case RotateSecret:
                    return Rotate(command);
                default:
                    return new CommandResult(CommandResult.UnknownCommand, string.Empty);
            }
        }

        private CommandResult Configure(Command command)
        {
            var arguments = command.Arguments!;
            var interval = -1;
            var capacity = -1;
            foreach (string key in arguments.Keys)
            {
                var value = (string)arguments[key]!;
                if (key == TelemetryIntervalKey)
                {
                    interval = DeviceConfig.ParseInt(value, DeviceConfig.MinIntervalSeconds, DeviceConfig.MaxIntervalSeconds);
                    if (interval < 0)
                    {
                        return Invalid(TelemetryIntervalKey);
                    }
                }
                else if (key == OutboxCapacityKey)
                {
                    capacity = DeviceConfig.ParseInt(value, 1, DeviceConfig.MaxOutboxCapacity);
                    if (capacity < 0)
                    {
                        return Invalid(OutboxCapacityKey);
                    }
                }
                else
                {
                    return Invalid("unexpected_argument");
                }
            }

            if (interval < 0 && capacity < 0)
            {
                return Invalid("no_setting");
            }

            var detail = _target.Configure(interval, capacity);
            return detail == null ? new CommandResult(CommandResult.Failed, "reason=config_not_written") : new CommandResult(CommandResult.Ok, detail);
        }

        private CommandResult Rotate(Command command)
        {
            var gatewayKey = Base64Url.Decode(command.Argument(GatewayKeyArgument));
            if (command.Arguments!.Count != 1 || gatewayKey == null || gatewayKey.Length != X25519.KeyLength)
            {
                return Invalid(GatewayKeyArgument);
            }

            return _target.RotateSecret(command.Sequence, gatewayKey);
        }

        private static CommandResult Invalid(string reason)
        {
            return new CommandResult(CommandResult.InvalidArguments, "reason=" + reason);
        }
    }
}
