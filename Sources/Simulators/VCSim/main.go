// Command vcsim runs VMware's vCenter simulator (govmomi's simulator package) for the
// vsphere backend's tests and the demo.
//
// It is a small main written after govmomi's own vcsim command, built from Debian's
// golang-github-vmware-govmomi-dev sources by scripts/vcsim.sh. On top of the simulator's
// default vCenter inventory it can turn one VM into a template (-template), so a create can
// clone from it as on a real vCenter, and it prints one line a caller can wait for:
//
//	vcsim listening on https://127.0.0.1:PORT/sdk
//
// The process ends on SIGINT or SIGTERM.
package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"flag"
	"fmt"
	"io/ioutil"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/vmware/govmomi/find"
	"github.com/vmware/govmomi/session"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"

	_ "github.com/vmware/govmomi/lookup/simulator"
	_ "github.com/vmware/govmomi/pbm/simulator"
	_ "github.com/vmware/govmomi/sts/simulator"
	_ "github.com/vmware/govmomi/vapi/simulator"
)

func main() {
	model := simulator.VPX()

	listen := flag.String("l", "127.0.0.1:8989", "listen address (port 0 picks a free one)")
	flag.IntVar(&model.Datacenter, "dc", model.Datacenter, "number of datacenters")
	flag.IntVar(&model.Cluster, "cluster", model.Cluster, "number of clusters per datacenter")
	flag.IntVar(&model.ClusterHost, "host", model.ClusterHost, "number of hosts per cluster")
	flag.IntVar(&model.Host, "standalone-host", model.Host, "number of standalone hosts per datacenter")
	flag.IntVar(&model.Machine, "vm", model.Machine, "number of virtual machines per resource pool")
	flag.IntVar(&model.Datastore, "ds", model.Datastore, "number of local datastores")
	flag.IntVar(&model.Pool, "pool", model.Pool, "number of resource pools per cluster")
	flag.IntVar(&model.Portgroup, "pg", model.Portgroup, "number of distributed port groups per datacenter")
	username := flag.String("username", "user", "user name a client logs in with")
	password := flag.String("password", "pass", "password a client logs in with")
	useTLS := flag.Bool("tls", true, "serve HTTPS (with a self-signed loopback certificate)")
	certOut := flag.String("cert-out", "", "write the server's certificate (PEM) to this file")
	template := flag.String("template", "", "clone the first cluster VM into a template of this name")
	delay := flag.Int("delay", 0, "milliseconds added to every SOAP method call (a slow vCenter)")
	flag.Parse()
	model.DelayConfig.Delay = *delay

	if err := model.Create(); err != nil {
		log.Fatal(err)
	}
	defer model.Remove()

	model.Service.Listen = &url.URL{Host: *listen, User: url.UserPassword(*username, *password)}
	if *useTLS {
		certificate, err := loopbackCertificate()
		if err != nil {
			log.Fatal(err)
		}
		model.Service.TLS = &tls.Config{Certificates: []tls.Certificate{certificate}}
	}
	model.Service.RegisterEndpoints = true
	model.Service.HandleFunc(disabledMethodPath, disabledMethod)
	server := model.Service.NewServer()
	defer server.Close()

	if *certOut != "" {
		block := &pem.Block{Type: "CERTIFICATE", Bytes: server.TLS.Certificates[0].Certificate[0]}
		if err := ioutil.WriteFile(*certOut, pem.EncodeToMemory(block), 0o644); err != nil {
			log.Fatal(err)
		}
	}
	if *template != "" {
		if err := makeTemplate(server, *template); err != nil {
			log.Fatalf("making template %s: %v", *template, err)
		}
	}

	address := *server.URL
	address.User = nil
	fmt.Printf("vcsim listening on %s\n", address.String())
	os.Stdout.Sync()

	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM)
	<-signals
}

// disabledMethodPath is an administration route of this main (not of vCenter): it does to one
// entity what vCenter's AuthorizationManager.DisableMethods / EnableMethods do (which this
// simulator version does not implement), so tests can protect a VM from deletion the way
// backup products and vCloud Director do on a real vCenter:
//
//	POST /vcsim-admin/disabled-method?ref=vm-57&method=Destroy_Task&disabled=true
const disabledMethodPath = "/vcsim-admin/disabled-method"

func disabledMethod(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "use POST", http.StatusMethodNotAllowed)
		return
	}
	query := r.URL.Query()
	method := query.Get("method")
	disabled := query.Get("disabled") != "false"
	ref := types.ManagedObjectReference{Type: "VirtualMachine", Value: query.Get("ref")}
	object, ok := simulator.Map.Get(ref).(mo.Entity)
	if !ok || method == "" {
		http.Error(w, "unknown ref or no method", http.StatusNotFound)
		return
	}
	var methods []string
	simulator.Map.WithLock(object, func() {
		entity := object.Entity()
		kept := []string{}
		for _, name := range entity.DisabledMethod {
			if name != method {
				kept = append(kept, name)
			}
		}
		if disabled {
			kept = append(kept, method)
		}
		entity.DisabledMethod = kept
		methods = kept
	})
	simulator.Map.Update(object, []types.PropertyChange{{Name: "disabledMethod", Val: methods}})
	w.WriteHeader(http.StatusNoContent)
}

// makeTemplate clones the first VM of the first cluster's resource pool into a template named
// name, in the same folder, pool and datastore, as an administrator would prepare one.
func makeTemplate(server *simulator.Server, name string) error {
	ctx := context.Background()
	soapClient := soap.NewClient(server.URL, true)
	client, err := vim25.NewClient(ctx, soapClient)
	if err != nil {
		return err
	}
	if err := session.NewManager(client).Login(ctx, server.URL.User); err != nil {
		return err
	}
	finder := find.NewFinder(client, true)
	datacenter, err := finder.DefaultDatacenter(ctx)
	if err != nil {
		return err
	}
	finder.SetDatacenter(datacenter)
	sources, err := finder.VirtualMachineList(ctx, "*_C0_RP0_VM0")
	if err != nil {
		return err
	}
	source := sources[0]
	folders, err := datacenter.Folders(ctx)
	if err != nil {
		return err
	}
	spec := types.VirtualMachineCloneSpec{Template: true}
	task, err := source.Clone(ctx, folders.VmFolder, name, spec)
	if err != nil {
		return err
	}
	return task.Wait(ctx)
}

// loopbackCertificate makes a self-signed ECDSA P-256 certificate for 127.0.0.1, ::1 and
// localhost. The simulator's built-in test certificate has a 1024-bit RSA key, which OpenSSL's
// default security level refuses, as a client configured like production should.
func loopbackCertificate() (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	serial, err := rand.Int(rand.Reader, big.NewInt(1<<62))
	if err != nil {
		return tls.Certificate{}, err
	}
	template := x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "vcsim", Organization: []string{"govmomi simulator"}},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(30 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("::1")},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, &template, &template, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, nil
}
