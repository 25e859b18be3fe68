; access, biased (k = 3): mem[0] <- mem[4]
.machine M=10 R=2
.init r0=0 r1=4
       r1 = READ r1
       WRITE r0, r1
       STOP
