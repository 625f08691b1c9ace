using System;
using System.Collections;
using System.Device.Wifi;
using System.Diagnostics;
using System.IO;
using System.Net.Http;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading;
using nanoFramework.Json;
using nanoFramework.M2Mqtt;
using nanoFramework.M2Mqtt.Messages;
using nanoFramework.Networking;
using nanoFramework.Runtime.Native;

namespace Fixtures
{
    // Uses the nanoFramework API surface the ESP32 adapters need, the way the facts sheet describes it.
    public sealed class Adapters
    {
        private MqttClient? _mqtt;
        private readonly AutoResetEvent _published = new AutoResetEvent(false);

        public bool JoinWifi(string ssid, string password)
        {
            var joined = WifiNetworkHelper.ConnectDhcp(ssid, password, WifiReconnectionKind.Automatic, true, 0, new CancellationTokenSource(30000).Token);
            Sntp.Server1 = "pool.ntp.org";
            Sntp.Start();
            Sntp.UpdateNow();
            return joined && WifiNetworkHelper.Status == NetworkHelperStatus.NetworkIsReady;
        }

        public string RequestToken(string url, string form, string rootCaPem)
        {
            using var client = new HttpClient();
            client.Timeout = TimeSpan.FromSeconds(20);
            client.HttpsAuthentCert = new X509Certificate(rootCaPem);
            client.SslProtocols = SslProtocols.Tls12;
            client.DefaultRequestHeaders.Add("Accept", "application/json");
            using var request = new HttpRequestMessage(HttpMethod.Post, url);
            request.Content = new StringContent(form, Encoding.UTF8, "application/x-www-form-urlencoded");
            request.Headers.Add("Authorization", "Bearer x");
            using var response = client.Send(request);
            if (!response.IsSuccessStatusCode || response.StatusCode == System.Net.HttpStatusCode.Unauthorized)
            {
                return string.Empty;
            }

            var body = response.Content.ReadAsString();
            var parsed = (Hashtable)JsonConvert.DeserializeObject(body, typeof(Hashtable));
            return (string)parsed["access_token"] + JsonConvert.SerializeObject(parsed);
        }

        public MqttReasonCode Connect(string host, string clientId, string token, X509Certificate caCert)
        {
            _mqtt = new MqttClient(host, 8883, true, caCert, null, MqttSslProtocols.TLSv1_2);
            _mqtt.ProtocolVersion = MqttProtocolVersion.Version_5;
            _mqtt.Settings.InflightQueueSize = 16;
            _mqtt.MqttMsgPublished += (sender, e) =>
            {
                if (e.IsPublished)
                {
                    _published.Set();
                }
            };
            _mqtt.MqttMsgPublishReceived += (sender, e) => Debug.WriteLine(e.Topic + ":" + e.Message.Length);
            _mqtt.ConnectionClosed += (sender, e) => Debug.WriteLine("closed");
            _mqtt.ConnectionClosedRequest += (sender, e) => Debug.WriteLine("server disconnect: " + (int)e.Message.ResonCode);
            return _mqtt.Connect(clientId, clientId, token, true, 60);
        }

        public bool Publish(string topic, byte[] payload, string signature)
        {
            var properties = new ArrayList();
            properties.Add(new UserProperty("m2m-sig", signature));
            _mqtt!.Publish(topic, payload, "application/json", properties, MqttQoSLevel.AtLeastOnce, false);
            return _published.WaitOne(5000, false) && _mqtt.IsConnected;
        }

        public void Store(string path, byte[] data)
        {
            var temporary = path + ".tmp";
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write))
            {
                stream.Write(data, 0, data.Length);
                stream.Flush();
            }

            if (File.Exists(path))
            {
                File.Delete(path);
            }

            File.Move(temporary, path);
            var check = File.ReadAllBytes(path);
            Debug.WriteLine(check.Length.ToString());
        }

        public void Restart()
        {
            var random = new Random();
            var jitter = new byte[4];
            random.NextBytes(jitter);
            _mqtt?.Disconnect();
            using var timer = new Timer(state => Power.RebootDevice(), null, random.Next(1000), Timeout.Infinite);
            Rtc.SetSystemTime(DateTime.UtcNow);
        }
    }
}
