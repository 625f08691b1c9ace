// Declarations from github.com/nanoframework/nanoFramework.Runtime.Native, nanoFramework.Runtime.Native/RTC.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace nanoFramework.Runtime.Native
{
    public static class Rtc
    {
        public static bool SetSystemTime(System.DateTime time) => throw null;
    }
}
