namespace M2M.Device.Core.App
{
    /// <summary>The states of <see cref="DeviceApplication"/>.</summary>
    public enum ApplicationState
    {
        /// <summary>Not started yet.</summary>
        Created,

        /// <summary>
        /// The credential or configuration could not be read (<see cref="DeviceApplication.LastError"/>
        /// says why). The application stays up and reads the files again later instead of rebooting in
        /// a loop: a board waiting for `m2m device provision` must stay reachable for nanoff.
        /// </summary>
        NotProvisioned,

        /// <summary>Composed and running: collecting telemetry; the session manager owns the connection.</summary>
        Running,
    }
}
