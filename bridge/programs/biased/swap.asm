; swap, biased (p = 0, q = 2): exchange cells 2 and 4
.machine M=10 R=5
.init r0=2 r1=4
       r2 = READ r0
       r3 = READ r1
       WRITE r0, r3
       WRITE r1, r2
       STOP
