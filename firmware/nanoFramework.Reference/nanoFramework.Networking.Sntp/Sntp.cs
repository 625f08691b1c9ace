// Declarations from github.com/nanoframework/nanoFramework.Networking.Sntp, nanoFramework.Networking.Sntp/Sntp.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace nanoFramework.Networking
{
    public class Sntp
    {
        public static extern void Start();
        public static extern void Stop();
        public static extern void UpdateNow();
        public static extern bool IsStarted { get; }
        public static extern string Server1 { get; set; }
        public static extern string Server2 { get; set; }
    }
}
