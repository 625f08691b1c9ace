namespace M2M.Device.Core.Commands
{
    /// <summary>Runs an authenticated, fresh command (its sequence and expiry already checked) and says how it ended.</summary>
    public interface ICommandHandler
    {
        /// <summary>Runs <paramref name="command"/>; never throws (a failure is a <see cref="CommandResult.Failed"/> result).</summary>
        CommandResult Execute(Command command);
    }
}
