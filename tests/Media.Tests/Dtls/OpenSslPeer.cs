using System.Diagnostics;

namespace Doctolib.Telehealth.Media.Tests.Dtls;

/// <summary>The openssl command line as an independent DTLS-SRTP implementation to interoperate with
/// (Debian's openssl, present on every machine of this project's kind). Everything stays on 127.0.0.1.</summary>
internal sealed class OpenSslPeer : IDisposable
{
    private readonly string _directory;

    private OpenSslPeer(string directory)
    {
        _directory = directory;
    }

    internal string CertificatePath => Path.Combine(_directory, "cert.pem");

    internal string KeyPath => Path.Combine(_directory, "key.pem");

    /// <summary>Makes a P-256 key and self-signed certificate with openssl; returns the peer and its SDP fingerprint.</summary>
    internal static async Task<(OpenSslPeer Peer, string SdpFingerprint)> CreateAsync(CancellationToken cancellationToken)
    {
        string directory = Directory.CreateTempSubdirectory("dtls-openssl-").FullName;
        var peer = new OpenSslPeer(directory);
        await RunAsync($"ecparam -name prime256v1 -genkey -noout -out {peer.KeyPath}", cancellationToken);
        await RunAsync($"req -new -x509 -key {peer.KeyPath} -out {peer.CertificatePath} -days 2 -subj /CN=openssl-peer", cancellationToken);
        string output = await RunAsync($"x509 -in {peer.CertificatePath} -noout -fingerprint -sha256", cancellationToken);
        string hex = output.Trim().Split('=', 2)[1];
        return (peer, "sha-256 " + hex);
    }

    /// <summary>Runs openssl with these arguments, feeding it nothing on stdin after <paramref name="stdinOpenFor"/>,
    /// and returns stdout and stderr together.</summary>
    internal static async Task<string> RunAsync(string arguments, CancellationToken cancellationToken, TimeSpan? stdinOpenFor = null)
    {
        var start = new ProcessStartInfo("openssl", arguments)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using Process process = Process.Start(start) ?? throw new InvalidOperationException("Could not start openssl.");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        Task<string> stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            if (stdinOpenFor is TimeSpan open)
            {
                await Task.Delay(open, cancellationToken);
            }

            process.StandardInput.Close();
            await process.WaitForExitAsync(cancellationToken);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }

        return await stdout + await stderr;
    }

    /// <summary>Reads "Keying material: HEX" from s_client/s_server output.</summary>
    internal static byte[] KeyingMaterial(string output)
    {
        const string marker = "Keying material: ";
        int at = output.IndexOf(marker, StringComparison.Ordinal);
        Assert.True(at >= 0, "openssl printed no keying material:\n" + output);
        int end = output.IndexOf('\n', at);
        return Convert.FromHexString(output[(at + marker.Length)..end].Trim());
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
