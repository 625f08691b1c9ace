namespace M2M.Device.Core.App
{
    /// <summary>
    /// Something that contributes readings to each telemetry message: the board's own status
    /// (<see cref="DeviceStatusSource"/>) or a sensor (hardware.md describes a BME280 over I2C).
    /// Called on the application thread once per telemetry interval; a source that cannot read
    /// (sensor unplugged) writes nothing rather than throwing.
    /// </summary>
    public interface ITelemetrySource
    {
        /// <summary>Appends this source's fields to the message being built.</summary>
        void AppendTo(TelemetryPayload payload);
    }
}
