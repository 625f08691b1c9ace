// Declarations from github.com/nanoframework/nanoFramework.Runtime.Events, nanoFramework.Runtime.Events/EventCategory.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace nanoFramework.Runtime.Events
{
    public enum EventCategory
    {
        Unknown = 0,
        Custom = 10,
        Gpio = 20,
        SerialDevice = 30,
        Network = 40,
        WiFi = 50,
        Can = 60,
        Storage = 70,
        Radio = 80,
        HighResolutionTimer = 90,
        Bluetooth = 100,
        Usb = 110,
        Touch = 120,
        Gesture = 130,
        OpenThread = 140,
        EspNow = 150
    }
}
