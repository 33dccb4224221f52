fn main() {
    let t = std::time::Instant::now();
    let mut c = codegen::Config::new();
    c.wsdl("wsdl/marketo_2_6.wsdl");
    for _ in 0..10 { c.load().unwrap(); }
    println!("load {:?}", t.elapsed() / 10);
    let m = c.load().unwrap();
    let t = std::time::Instant::now();
    for _ in 0..10 { c.emit(&m).unwrap(); }
    println!("emit {:?}", t.elapsed() / 10);
}
