// Declarations from github.com/nanoframework/System.Device.Wifi, System.Device.Wifi/WifiReconnectionKind.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace System.Device.Wifi
{
    public enum WifiReconnectionKind
    {
        Automatic,
        Manual
    }
}
