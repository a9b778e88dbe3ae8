module github.com/seedance-gateway/seedance-gateway/clients/go

go 1.19

// The versions Debian 12 ships (golang-google-grpc-dev and friends), which
// the offline build here uses (offline_workspace.sh).
require (
	github.com/golang/protobuf v1.5.2
	google.golang.org/genproto v0.0.0-20200526211855-cb27e3aa2013
	google.golang.org/grpc v1.33.3
	google.golang.org/protobuf v1.28.1
)

require (
	golang.org/x/net v0.7.0 // indirect
	golang.org/x/sys v0.3.0 // indirect
	golang.org/x/text v0.7.0 // indirect
)
