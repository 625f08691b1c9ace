// Declarations from github.com/nanoframework/System.Net, nanoFramework.System.Net/NetworkHelper/NetworkHelperStatus.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace nanoFramework.Networking
{
    public enum NetworkHelperStatus
    {
        None,
        Started,
        NetworkIsReady,
        FailedNoNetworkInterface,
        TokenExpiredWaitingIPAddress,
        TokenExpiredWaitingDateTime,
        ErrorConnetingToWiFiWhileScanning,
        ExceptionOccurred,
    }
}
