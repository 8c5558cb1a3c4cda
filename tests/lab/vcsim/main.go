// vcsim for the vcdops lab: VMware's own vCenter simulator (simulator.VPX() from
// Debian's golang-github-vmware-govmomi-dev) with the few things the lab needs on top:
//
//   - TLS with the lab's certificate and one user name / password (wrong ones fail);
//   - OVF properties become vApp properties (vm.config.vAppConfig), as on vCenter,
//     and ReconfigVM_Task applies vAppConfig property add/edit/remove;
//   - an HttpNfcLease expires when nothing (progress, upload) happens for -lease-timeout;
//   - a powered-on VM reports the IP address of its "ip0" vApp property as guest IP after
//     -boot-delay, and its properties are POSTed to -boot-hook (the lab's DSM simulator
//     "boots" from them).
//
// Build: GO111MODULE=off GOPATH=/usr/share/gocode go build (tests/lab/vcdlab/services/vcsim.py).
package main

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"flag"
	"fmt"
	"io/ioutil"
	"log"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/vmware/govmomi/ovf"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

var (
	listen       = flag.String("listen", "127.0.0.1:8989", "host:port to listen on")
	certFile     = flag.String("cert", "", "PEM certificate (TLS)")
	keyFile      = flag.String("key", "", "PEM private key (TLS)")
	user         = flag.String("user", "administrator@vsphere.local", "the one valid user name")
	password     = flag.String("password", "", "its password (env VCSIM_PASSWORD when empty)")
	bootHook     = flag.String("boot-hook", "", "URL POSTed with a VM's vApp properties when it powers on")
	hookCA       = flag.String("hook-ca", "", "CA file to verify the boot hook")
	leaseTimeout = flag.Duration("lease-timeout", 5*time.Minute, "an NFC lease without progress expires after this")
	bootDelay    = flag.Duration("boot-delay", 300*time.Millisecond, "power-on until the guest reports its IP")
	ipProperty   = regexp.MustCompile(`(?i)(^|[._])ip0?$`)
)

// ---------------------------------------------------------------- vApp properties

var (
	pendingMu sync.Mutex
	pending   = map[string]*types.VmConfigInfo{} // VM name -> vAppConfig to give it once created
)

func boolp(b bool) *bool { return &b }

func propertyID(p ovf.Property, class, instance *string) string {
	id := p.Key
	if class != nil && *class != "" {
		id = *class + "." + id
	}
	if instance != nil && *instance != "" {
		id = id + "." + *instance
	}
	return id
}

// ovfManager returns vApp properties in the import spec, as vCenter does (the stock
// simulator turns the property mapping into extraConfig).
type ovfManager struct {
	*simulator.OvfManager
}

func (m *ovfManager) CreateImportSpec(ctx *simulator.Context, req *types.CreateImportSpec) soap.HasFault {
	res := m.OvfManager.CreateImportSpec(ctx, req)
	body, ok := res.(*methods.CreateImportSpecBody)
	if !ok || body.Fault_ != nil || body.Res == nil {
		return res
	}
	env, err := ovf.Unmarshal(strings.NewReader(req.OvfDescriptor))
	if err != nil || env.VirtualSystem == nil {
		return res
	}
	spec, ok := body.Res.Returnval.ImportSpec.(*types.VirtualMachineImportSpec)
	if !ok {
		return res
	}
	values := map[string]string{}
	mapped := map[string]bool{}
	for _, kv := range req.Cisp.PropertyMapping {
		values[kv.Key] = kv.Value
		mapped[kv.Key] = true
	}
	var extra []types.BaseOptionValue
	for _, o := range spec.ConfigSpec.ExtraConfig {
		if !mapped[o.GetOptionValue().Key] {
			extra = append(extra, o)
		}
	}
	spec.ConfigSpec.ExtraConfig = extra
	vapp := &types.VmConfigSpec{OvfEnvironmentTransport: []string{"com.vmware.guestInfo"}}
	key := int32(0)
	for pi, prod := range env.VirtualSystem.Product {
		vapp.Product = append(vapp.Product, types.VAppProductSpec{
			ArrayUpdateSpec: types.ArrayUpdateSpec{Operation: types.ArrayUpdateOperationAdd},
			Info: &types.VAppProductInfo{Key: int32(pi), Name: prod.Product, Vendor: prod.Vendor,
				Version: prod.Version, FullVersion: prod.FullVersion, ProductUrl: prod.ProductURL,
				VendorUrl: prod.VendorURL, AppUrl: prod.AppURL},
		})
		for _, p := range prod.Property {
			id := propertyID(p, prod.Class, prod.Instance)
			configurable := p.UserConfigurable != nil && *p.UserConfigurable
			def := ""
			if p.Default != nil {
				def = *p.Default
			}
			value := def
			if v, ok := values[id]; ok && configurable {
				value = v
			}
			typ := p.Type
			if p.Password != nil && *p.Password {
				typ = "password"
			}
			info := &types.VAppPropertyInfo{Key: key, Id: id, Type: typ, DefaultValue: def, Value: value,
				UserConfigurable: boolp(configurable)}
			if prod.Class != nil {
				info.ClassId = *prod.Class
			}
			if prod.Instance != nil {
				info.InstanceId = *prod.Instance
			}
			if p.Label != nil {
				info.Label = *p.Label
			}
			if p.Description != nil {
				info.Description = *p.Description
			}
			vapp.Property = append(vapp.Property, types.VAppPropertySpec{
				ArrayUpdateSpec: types.ArrayUpdateSpec{Operation: types.ArrayUpdateOperationAdd}, Info: info})
			key++
		}
	}
	spec.ConfigSpec.VAppConfig = vapp
	return body
}

func specToInfo(spec *types.VmConfigSpec) *types.VmConfigInfo {
	info := &types.VmConfigInfo{OvfEnvironmentTransport: spec.OvfEnvironmentTransport}
	for _, p := range spec.Product {
		if p.Info != nil {
			info.Product = append(info.Product, *p.Info)
		}
	}
	applyProperties(info, spec.Property)
	return info
}

func applyProperties(info *types.VmConfigInfo, specs []types.VAppPropertySpec) types.BaseMethodFault {
	for _, ps := range specs {
		switch ps.Operation {
		case types.ArrayUpdateOperationAdd:
			if ps.Info == nil {
				return &types.InvalidArgument{InvalidProperty: "vAppConfig.property.info"}
			}
			for _, have := range info.Property {
				if have.Key == ps.Info.Key {
					return &types.InvalidArgument{InvalidProperty: "vAppConfig.property.info.key"}
				}
			}
			info.Property = append(info.Property, *ps.Info)
		case types.ArrayUpdateOperationEdit:
			if ps.Info == nil {
				return &types.InvalidArgument{InvalidProperty: "vAppConfig.property.info"}
			}
			found := false
			for i := range info.Property {
				have := &info.Property[i]
				if have.Key != ps.Info.Key {
					continue
				}
				found = true
				have.Value = ps.Info.Value
				if ps.Info.Id != "" {
					have.Id = ps.Info.Id
				}
				if ps.Info.Type != "" {
					have.Type = ps.Info.Type
				}
				if ps.Info.Label != "" {
					have.Label = ps.Info.Label
				}
				if ps.Info.DefaultValue != "" {
					have.DefaultValue = ps.Info.DefaultValue
				}
				if ps.Info.UserConfigurable != nil {
					have.UserConfigurable = ps.Info.UserConfigurable
				}
			}
			if !found {
				return &types.InvalidArgument{InvalidProperty: "vAppConfig.property.info.key"}
			}
		case types.ArrayUpdateOperationRemove:
			key, ok := ps.RemoveKey.(int32)
			if !ok {
				return &types.InvalidArgument{InvalidProperty: "vAppConfig.property.removeKey"}
			}
			kept := info.Property[:0]
			for _, have := range info.Property {
				if have.Key != key {
					kept = append(kept, have)
				}
			}
			info.Property = kept
		}
	}
	return nil
}

// ---------------------------------------------------------------- registry handler

// handler sees VMs appear (gives them their pending vAppConfig) and power on (boots them).
type handler struct{}

func (h *handler) Reference() types.ManagedObjectReference {
	return types.ManagedObjectReference{Type: "vcdlabHandler", Value: "vcdlab"}
}

func (h *handler) PutObject(obj mo.Reference) {}

func (h *handler) UpdateObject(obj mo.Reference, changes []types.PropertyChange) {
	for _, c := range changes {
		switch {
		case c.Name == "name":
			// the last step of creating a VM (ImportVApp -> CreateVM) sets its name
			// obj is the embedded mo.VirtualMachine: take the simulator's object
			vm, ok := simulator.Map.Get(obj.Reference()).(*simulator.VirtualMachine)
			name, _ := c.Val.(string)
			if !ok || vm.Config == nil {
				continue
			}
			pendingMu.Lock()
			info := pending[name]
			delete(pending, name)
			pendingMu.Unlock()
			if info != nil {
				vm.Config.VAppConfig = info
			}
		case c.Name == "runtime.powerState" && c.Val == types.VirtualMachinePowerStatePoweredOn:
			go boot(obj.Reference())
		}
	}
}

func (h *handler) RemoveObject(types.ManagedObjectReference) {}

func properties(vm *simulator.VirtualMachine) (map[string]string, *types.VAppProductInfo) {
	out := map[string]string{}
	if vm.Config == nil || vm.Config.VAppConfig == nil {
		return out, nil
	}
	info := vm.Config.VAppConfig.GetVmConfigInfo()
	for _, p := range info.Property {
		out[p.Id] = p.Value
	}
	if len(info.Product) > 0 {
		return out, &info.Product[0]
	}
	return out, nil
}

func boot(ref types.ManagedObjectReference) {
	time.Sleep(*bootDelay)
	obj := simulator.Map.Get(ref)
	vm, ok := obj.(*simulator.VirtualMachine)
	if !ok {
		return
	}
	var props map[string]string
	var product *types.VAppProductInfo
	var name, ip string
	simulator.Map.WithLock(vm, func() {
		props, product = properties(vm)
		name = vm.Name
		for id, v := range props {
			if ipProperty.MatchString(id) && v != "" {
				ip = v
			}
		}
		if ip != "" {
			if vm.Guest != nil && len(vm.Guest.Net) > 0 {
				vm.Guest.Net[0].IpAddress = []string{ip}
			}
			simulator.Map.Update(vm, []types.PropertyChange{
				{Name: "guest.ipAddress", Val: ip},
				{Name: "summary.guest.ipAddress", Val: ip},
				{Name: "guest.guestState", Val: "running"},
				{Name: "guest.toolsRunningStatus", Val: string(types.VirtualMachineToolsRunningStatusGuestToolsRunning)},
			})
		}
	})
	if *bootHook == "" {
		return
	}
	payload := map[string]interface{}{"vm": name, "moref": ref.Value, "ip": ip, "properties": props}
	if product != nil {
		payload["product"] = map[string]string{"name": product.Name, "vendor": product.Vendor,
			"version": product.Version, "fullVersion": product.FullVersion}
	}
	data, _ := json.Marshal(payload)
	client := hookClient()
	for attempt := 0; attempt < 5; attempt++ {
		resp, err := client.Post(*bootHook, "application/json", bytes.NewReader(data))
		if err == nil {
			resp.Body.Close()
			log.Printf("boot hook for %s: %s", name, resp.Status)
			return
		}
		log.Printf("boot hook for %s: %s", name, err)
		time.Sleep(time.Second)
	}
}

func hookClient() *http.Client {
	cfg := &tls.Config{}
	if *hookCA != "" {
		pem, err := ioutil.ReadFile(*hookCA)
		if err == nil {
			pool := x509.NewCertPool()
			pool.AppendCertsFromPEM(pem)
			cfg.RootCAs = pool
		}
	}
	return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: cfg}}
}

// ---------------------------------------------------------------- leases

var (
	leaseMu  sync.Mutex
	leases   = map[string]time.Time{} // lease id -> last activity
	expired  = map[string]bool{}
	leaseRef = regexp.MustCompile(`type="HttpNfcLease"[^>]*>([^<]+)<`)
)

func touch(id string) bool {
	leaseMu.Lock()
	defer leaseMu.Unlock()
	if expired[id] {
		return false
	}
	last, ok := leases[id]
	if ok && time.Since(last) > *leaseTimeout {
		expired[id] = true
		delete(leases, id)
		log.Printf("lease %s expired: no progress for %s", id, *leaseTimeout)
		return false
	}
	leases[id] = time.Now()
	return true
}

func soapFault(w http.ResponseWriter, msg string) {
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.WriteHeader(http.StatusInternalServerError)
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<soapenv:Body><soapenv:Fault><faultcode>ServerFaultCode</faultcode><faultstring>%s</faultstring>
<detail><TimedoutFault xmlns="urn:vim25" xsi:type="Timedout"></TimedoutFault></detail></soapenv:Fault></soapenv:Body></soapenv:Envelope>`, msg)
}

type recorder struct {
	http.ResponseWriter
	buf bytes.Buffer
}

func (r *recorder) Write(b []byte) (int, error) {
	r.buf.Write(b)
	return r.ResponseWriter.Write(b)
}

// ---------------------------------------------------------------- HTTP interception

type interceptor struct {
	next http.Handler
}

func (i *interceptor) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/nfc/") {
		parts := strings.Split(r.URL.Path, "/")
		if len(parts) >= 3 && !touch(parts[2]) {
			http.Error(w, "the NFC lease expired", http.StatusNotFound)
			return
		}
		i.next.ServeHTTP(w, r)
		return
	}
	if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/sdk") {
		i.next.ServeHTTP(w, r)
		return
	}
	body, err := ioutil.ReadAll(r.Body)
	r.Body.Close()
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	r.Body = ioutil.NopCloser(bytes.NewReader(body))
	method, err := simulator.UnmarshalBody(types.TypeFunc(), body)
	if os.Getenv("VCSIM_DEBUG") != "" {
		if err != nil {
			log.Printf("debug: decode: %s", err)
		} else {
			log.Printf("debug: %s %T", method.Name, method.Body)
		}
	}
	if err != nil {
		i.next.ServeHTTP(w, r)
		return
	}
	switch req := method.Body.(type) {
	case *types.ImportVApp:
		if spec, ok := req.Spec.(*types.VirtualMachineImportSpec); ok && spec.ConfigSpec.VAppConfig != nil {
			pendingMu.Lock()
			pending[spec.ConfigSpec.Name] = specToInfo(spec.ConfigSpec.VAppConfig.GetVmConfigSpec())
			pendingMu.Unlock()
		}
		rec := &recorder{ResponseWriter: w}
		i.next.ServeHTTP(rec, r)
		if m := leaseRef.FindSubmatch(rec.buf.Bytes()); m != nil {
			touch(string(m[1]))
		}
		return
	case *types.HttpNfcLeaseProgress:
		if !touch(req.This.Value) {
			soapFault(w, "the lease expired: no progress was reported in time")
			return
		}
	case *types.HttpNfcLeaseComplete:
		if !touch(req.This.Value) {
			soapFault(w, "the lease expired: no progress was reported in time")
			return
		}
	case *types.ReconfigVM_Task:
		if req.Spec.VAppConfig != nil {
			if vm, ok := simulator.Map.Get(req.This).(*simulator.VirtualMachine); ok {
				var fault types.BaseMethodFault
				simulator.Map.WithLock(vm, func() {
					info := &types.VmConfigInfo{}
					if vm.Config.VAppConfig != nil {
						info = vm.Config.VAppConfig.GetVmConfigInfo()
					}
					copyInfo := *info
					copyInfo.Property = append([]types.VAppPropertyInfo(nil), info.Property...)
					fault = applyProperties(&copyInfo, req.Spec.VAppConfig.GetVmConfigSpec().Property)
					if fault == nil {
						vm.Config.VAppConfig = &copyInfo
					}
				})
				if fault != nil {
					log.Printf("reconfigure %s: bad vAppConfig: %T", vm.Name, fault)
				}
			}
		}
	}
	i.next.ServeHTTP(w, r)
}

// ---------------------------------------------------------------- main

func main() {
	flag.Parse()
	log.SetFlags(log.LstdFlags | log.Lmicroseconds)
	if *password == "" {
		*password = os.Getenv("VCSIM_PASSWORD")
	}
	model := simulator.VPX()
	model.Machine = 1
	model.ClusterHost = 2
	if err := model.Create(); err != nil {
		log.Fatal(err)
	}
	defer model.Remove()

	if *certFile != "" {
		cert, err := tls.LoadX509KeyPair(*certFile, *keyFile)
		if err != nil {
			log.Fatalf("TLS: %s", err)
		}
		model.Service.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	}
	listenURL := &url.URL{Host: *listen}
	if *password != "" {
		listenURL.User = url.UserPassword(*user, *password)
	}
	model.Service.Listen = listenURL

	content := simulator.Map.Get(types.ManagedObjectReference{Type: "OvfManager", Value: "OvfManager"})
	if m, ok := content.(*simulator.OvfManager); ok {
		simulator.Map.Put(&ovfManager{m})
	}
	simulator.Map.AddHandler(&handler{})

	server := model.Service.NewServer()
	server.Config.Handler = &interceptor{next: server.Config.Handler}
	shown := *server.URL
	shown.User = nil
	fmt.Printf("vcsim listening on %s\n", shown.String())
	os.Stdout.Sync()

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	<-sig
	server.Close()
}
