namespace M2M.Device.Core.Commands
{
    /// <summary>
    /// How a command ended, as the device reports it (docs/protocol.md section 11.3): a stable status
    /// and a detail in the argument format (<c>key=value</c> lines, may be empty).
    /// </summary>
    public sealed class CommandResult
    {
        /// <summary>Done.</summary>
        public const string Ok = "ok";

        /// <summary>The device does not know this command.</summary>
        public const string UnknownCommand = "unknown_command";

        /// <summary>The arguments are missing, unknown or out of range.</summary>
        public const string InvalidArguments = "invalid_arguments";

        /// <summary>The command's expiry had passed when it arrived (by the device's synchronized clock).</summary>
        public const string Expired = "expired";

        /// <summary>The sequence number is below the last one the device accepted.</summary>
        public const string Replayed = "replayed";

        /// <summary>The device tried and could not do it (storage failure, unsupported on this platform).</summary>
        public const string Failed = "failed";

        public CommandResult(string status, string detail)
        {
            Status = status;
            Detail = detail;
        }

        /// <summary>The status: one of the constants above.</summary>
        public string Status { get; private set; }

        /// <summary>The detail, <c>key=value</c> lines separated by '\n'; empty when there is nothing to say.</summary>
        public string Detail { get; private set; }
    }
}
