// Declarations from github.com/nanoframework/CoreLibrary, nanoFramework.CoreLibrary/System/Threading/Monitor.cs
// Reference only (compatibility gate): real names and signatures, no implementation.
using System;

namespace System.Threading
{
    public static class Monitor
    {
        public static extern void Enter(Object obj);
        public static extern void Exit(Object obj);
    }
}
