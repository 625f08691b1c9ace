namespace M2M.Device.Core.Commands
{
    /// <summary>What the built-in commands act on: the device application (docs/protocol.md section 11.5).</summary>
    public interface ICommandTarget
    {
        /// <summary>The <c>ping</c> answer's detail: <c>key=value</c> lines about the running device.</summary>
        string Describe();

        /// <summary>
        /// Applies and persists new settings; -1 leaves one unchanged. The values are already checked
        /// against <see cref="App.DeviceConfig"/>'s ranges. Returns the result's detail, or null when the
        /// configuration could not be written.
        /// </summary>
        string? Configure(int telemetryIntervalSeconds, int outboxSize);

        /// <summary>Restarts the device soon, after the result is on its way; false when the platform cannot restart.</summary>
        bool ScheduleRestart();

        /// <summary>
        /// The device's half of an over-the-air secret rotation (docs/protocol.md section 12): derives S'
        /// from an ephemeral exchange with <paramref name="gatewayPublicKey"/>, writes it as the next
        /// credential generation, and answers with its public key and proof; never throws.
        /// </summary>
        CommandResult RotateSecret(uint sequence, byte[] gatewayPublicKey);
    }
}
