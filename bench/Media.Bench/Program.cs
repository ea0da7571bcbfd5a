using Doctolib.Telehealth.Media.Bench;

if (args is ["--bwe"])
{
    return BweBench.Run();
}

// The server process measures itself; the test peers run in a child process (--peers) so their CPU is not counted.
BenchArguments arguments = BenchArguments.Parse(args);
return arguments.PeersProcess
    ? await BenchPeers.RunAsync(arguments)
    : await BenchServer.RunAsync(arguments);
